extension ModelOptions {
    /// `--ctx-size` when none is given.
    static let defaultContextSize = 2048

    /// The KV-cache size a run uses. An explicit `--ctx-size` above the model's `context_length` is refused rather
    /// than capped: the run would not be the one asked for, and positions past the trained length are not ones the
    /// model can attend over. The default is only a default, so it shrinks to a smaller model's limit.
    func contextSize(modelLimit: Int, file: String) throws -> Int {
        try Self.contextSize(requested: contextSize, modelLimit: modelLimit, file: file)
    }

    /// The rule itself, for commands such as `parity` that take `--ctx-size` without the other model options.
    static func contextSize(requested contextSize: Int?, modelLimit: Int, file: String) throws -> Int {
        guard let contextSize else { return min(Self.defaultContextSize, modelLimit) }
        guard contextSize <= modelLimit else {
            throw InvalidInput("--ctx-size \(contextSize): the model allows at most \(modelLimit) tokens"
                               + " (llama.context_length in \(file))")
        }
        return contextSize
    }
}
