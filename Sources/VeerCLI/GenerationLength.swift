import ArgumentParser

/// `--max-tokens N` as llama.cpp's `-n N`: at most N tokens, 0 none, and -1 until an end-of-generation token or a
/// full context. Any other negative value is an error.
enum GenerationLength {
    static let untilDone = -1

    static func validate(_ value: Int) throws {
        guard value >= untilDone else {
            throw ValidationError("--max-tokens \(value): expected a count >= 0, or -1 to generate until end of generation or a full context")
        }
    }

    /// The token limit to pass to the generator.
    static func limit(_ value: Int) -> Int { value == untilDone ? Int.max : value }
}
