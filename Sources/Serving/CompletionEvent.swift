/// What a running request's stream yields: its tokens as they are picked, then exactly one `finished`.
public enum CompletionEvent: Sendable, Equatable {
    case token(GeneratedToken)
    case finished(CompletionSummary)
}

/// One generated token.
public struct GeneratedToken: Sendable, Equatable {
    /// The token id.
    public var id: Int32
    /// The text this token completes, after stop-string filtering: may be empty (a partial UTF-8 character, or text
    /// held back while it could still begin a stop string); the held-back text comes in later tokens or in
    /// `CompletionSummary.trailingText`. Concatenating every `text` and the trailing text gives the whole answer.
    public var text: String
    /// log p(token) under the unsteered-by-sampling distribution of this step (raw logits, temperature 1), when
    /// the request asked for logprobs.
    public var logprob: Float?
    /// The most likely tokens of this step with their log-probabilities, most likely first (`logprobs` of them).
    public var topLogprobs: [TokenLogprob]

    public init(id: Int32, text: String, logprob: Float? = nil, topLogprobs: [TokenLogprob] = []) {
        self.id = id; self.text = text; self.logprob = logprob; self.topLogprobs = topLogprobs
    }
}

/// A candidate token and its log-probability.
public struct TokenLogprob: Sendable, Equatable {
    public var id: Int32
    /// The token's own text (its piece, decoded on its own).
    public var text: String
    public var logprob: Float
    public init(id: Int32, text: String, logprob: Float) { self.id = id; self.text = text; self.logprob = logprob }
}

/// Why a request ended, in OpenAI's terms where they exist.
public enum FinishReason: String, Sendable, Equatable {
    /// An end-of-generation token or a stop string.
    case stop
    /// `maxTokens`, or the context slot is full.
    case length
    /// The client went away (its stream was dropped) or the request was cancelled.
    case cancelled
    /// The logits became degenerate (NaN, infinite or all equal): nothing more was emitted.
    case degenerate
    /// The server shut down before the request finished (after the drain timeout).
    case shutdown
    /// A forward pass failed (e.g. the device was lost); `detail` says how.
    case failed
}

/// The end of a request.
public struct CompletionSummary: Sendable, Equatable {
    public var finishReason: FinishReason
    /// Text held back until the end (a partial stop-string match that never completed, an unfinished UTF-8 tail).
    public var trailingText: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// Seconds from `submit` to the first token (nil when none came).
    public var timeToFirstToken: Double?
    /// Seconds from `submit` to the end.
    public var totalSeconds: Double
    /// For `.degenerate`: the diagnosis (which block went bad); for `.shutdown`: what happened.
    public var detail: String?

    public init(finishReason: FinishReason, trailingText: String = "", promptTokens: Int, completionTokens: Int,
                timeToFirstToken: Double?, totalSeconds: Double, detail: String? = nil) {
        self.finishReason = finishReason; self.trailingText = trailingText; self.promptTokens = promptTokens
        self.completionTokens = completionTokens; self.timeToFirstToken = timeToFirstToken
        self.totalSeconds = totalSeconds; self.detail = detail
    }
}
