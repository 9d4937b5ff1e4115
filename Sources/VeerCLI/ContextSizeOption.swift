import ArgumentParser

/// `-c/--ctx-size N`: the KV-cache size in tokens, shared by the model commands (through `ModelOptions`) and `parity`.
struct ContextSizeOption: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("ctx-size")],
            help: "KV-cache size in tokens (default: 2048, or the model's context_length when smaller; at most context_length).")
    var contextSize: Int?

    /// `--ctx-size` when none is given.
    static let defaultContextSize = 2048

    func validate() throws {
        if let contextSize, contextSize < 1 { throw ValidationError("--ctx-size must be at least 1, got \(contextSize)") }
    }

    /// The KV-cache size a run uses. An explicit `--ctx-size` above the model's `context_length` is refused rather
    /// than capped: the run would not be the one asked for, and positions past the trained length are not ones the
    /// model can attend over. The default is only a default, so it shrinks to a smaller model's limit.
    func resolved(modelLimit: Int, file: String) throws -> Int {
        guard let contextSize else { return min(Self.defaultContextSize, modelLimit) }
        guard contextSize <= modelLimit else {
            throw InvalidInput("--ctx-size \(contextSize): the model allows at most \(modelLimit) tokens"
                               + " (llama.context_length in \(file))")
        }
        return contextSize
    }
}
