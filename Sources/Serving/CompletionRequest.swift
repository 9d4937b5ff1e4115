import Llama
import Steering

/// One generation the engine runs: the prompt already tokenized (and wrapped in the chat template for a chat
/// request), how to pick tokens, when to stop and how to steer. The HTTP layer builds it from an OpenAI request;
/// the engine never sees JSON or file paths.
public struct CompletionRequest: Sendable {
    /// The prompt's token ids (at least one, at most the context size).
    public var prompt: [Int32]
    /// The most tokens to generate (at least 1).
    public var maxTokens: Int
    /// Temperature, top-k/p, min-p, penalties and seed.
    public var sampling: SamplerSettings
    /// Strings that end the generation; the text from the match on is dropped (OpenAI's `stop`).
    public var stopStrings: [String]
    /// nil: no log-probabilities; k in 0...20: each token's log-probability and its k most likely alternatives
    /// (OpenAI's `logprobs` / `top_logprobs`).
    public var logprobs: Int?
    /// What steers this sequence (nil: unsteered). Its span must be this prompt's (`SequenceSpan(promptLength:)`).
    public var steering: SequenceSteering?

    public init(prompt: [Int32], maxTokens: Int, sampling: SamplerSettings, stopStrings: [String] = [],
                logprobs: Int? = nil, steering: SequenceSteering? = nil) {
        self.prompt = prompt; self.maxTokens = maxTokens; self.sampling = sampling
        self.stopStrings = stopStrings; self.logprobs = logprobs; self.steering = steering
    }

    /// The most alternatives a request may ask for per token (OpenAI's limit).
    public static let maxTopLogprobs = 20
}
