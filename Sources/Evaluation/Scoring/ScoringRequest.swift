/// One prompt and the continuations scored after it, as token ids. The prompt runs once; each continuation is scored
/// as the log-probabilities of its tokens given the prompt and its earlier tokens.
public struct ScoringRequest: Sendable, Equatable {
    /// [P] the prompt's ids, BOS included when the model adds one; at least one token.
    public var prompt: [Int32]
    /// The continuations, each at least one token.
    public var continuations: [[Int32]]
    /// The first answer token for steering positions (`from:answer-start`): after the chat template's assistant
    /// header when there is one, else nil (the prompt's end).
    public var answerStart: Int?

    public init(prompt: [Int32], continuations: [[Int32]], answerStart: Int? = nil) {
        self.prompt = prompt; self.continuations = continuations; self.answerStart = answerStart
    }

    /// The longest sequence one of its continuations makes with the prompt: the KV-cache positions it needs.
    public var longestSequence: Int { prompt.count + (continuations.map(\.count).max() ?? 0) }
}

/// What scoring one continuation gave.
public struct ContinuationScore: Sendable, Equatable {
    /// [tokens] log p(token | prompt and the continuation's earlier tokens), natural log, f32 from the device.
    public var logprobs: [Float]
    /// Whether a pass gave degenerate logits (NaN, ±inf or all equal) at one of its tokens: its log-probs are not an
    /// answer.
    public var degenerate: Bool

    public init(logprobs: [Float], degenerate: Bool) { self.logprobs = logprobs; self.degenerate = degenerate }
}
