import Llama
import Steering

/// Steering for scoring: each request's sequence composed for its own span (its prompt length decides which
/// positions `from:prompt-end` or `from:answer-start` steer), placed in the slots its continuations use.
public struct ScoringSteering {
    /// Whether steered positions keep their steered keys and values.
    public var cacheMode: CacheMode
    /// The steering of one request (nil: unsteered).
    public var sequence: (ScoringRequest) throws -> SequenceSteering?

    public init(cacheMode: CacheMode = .steeredPersist, sequence: @escaping (ScoringRequest) throws -> SequenceSteering?) {
        self.cacheMode = cacheMode; self.sequence = sequence
    }
}
