import Evaluation
import Foundation
import Kernels
import Llama
import Steering

/// Neutral text cut as the steering-strength paper's code cuts it (spec §3.2.3): documents joined with EOS after
/// each, windows of `length` tokens starting every `stride` tokens (129 and 128: 128 scored next-token predictions
/// per window, each token scored once), no padding, until `budget` tokens are scored (the last window shorter).
public enum NeutralTextChunks {
    public static let length = 129, stride = 128

    /// The windows over `documents` (token ids, no BOS) that score `budget` tokens; fewer when the text runs out.
    public static func chunks(documents: [[Int32]], eos: Int32, budget: Int, length: Int = length, stride: Int = stride) -> [[Int32]] {
        var stream: [Int32] = []
        for document in documents {
            stream += document
            stream.append(eos)
            if stream.count > budget + 1 { break }
        }
        var chunks: [[Int32]] = []
        var scored = 0, start = 0
        while scored < budget, start + 1 < stream.count {
            let wanted = min(length - 1, budget - scored)
            let end = min(stream.count, start + wanted + 1)
            chunks.append(Array(stream[start..<end]))
            scored += end - start - 1
            start += stride
        }
        return chunks
    }

    /// Tokenizes documents one at a time until they hold enough tokens for `budget` scored tokens.
    public static func tokenized(_ documents: [String], budget: Int, encode: (String) -> [Int32]) -> [[Int32]] {
        var out: [[Int32]] = [], total = 0
        for document in documents where total <= budget {
            let ids = encode(document)
            out.append(ids)
            total += ids.count + 1
        }
        return out
    }
}

/// The cross-entropy of the model on fixed text at one strength: mean negative log-likelihood per scored token
/// (natural log), and whether every logits row was healthy.
public struct CrossEntropyPoint: Sendable, Equatable {
    public var alpha: Double
    /// Nats per token.
    public var crossEntropy: Double
    public var tokens: Int
    /// False when a row's logits were NaN, infinite or constant: `crossEntropy` is then not a measurement.
    public var finite: Bool
    public var perplexity: Double { exp(crossEntropy) }
}

/// CE(alpha) on neutral text, every position steered as the sequence's policy says (spec 3.1: all positions), with
/// the windows of one alpha spread over the KV-cache slots and scored on the device (`MCScorer`).
public final class CrossEntropySweeper<B: ComputeBackend> {
    public let scorer: MCScorer<B>

    public init(model: LlamaModel<B>) throws { scorer = try MCScorer(model: model) }

    public func run(chunks: [[Int32]], grid: AlphaGrid, steering: SweepSteering, slots: Int? = nil) throws -> [CrossEntropyPoint] {
        guard !chunks.isEmpty else { throw SweepError("the neutral text gave no tokens to score") }
        let requests = try chunks.map { chunk -> ScoringRequest in
            guard chunk.count >= 2 else { throw SweepError("a neutral-text window needs at least 2 tokens, got \(chunk.count)") }
            return ScoringRequest(prompt: [chunk[0]], continuations: [Array(chunk.dropFirst())])
        }
        return try grid.values.map { alpha in
            let scoring = alpha == 0 ? nil : ScoringSteering(cacheMode: steering.cacheMode) { request in
                try steering.sequence(alpha: alpha, span: SequenceSpan(promptLength: request.prompt.count))
            }
            let scores = try scorer.score(requests, steering: scoring, slots: slots).flatMap { $0 }
            let logprobs = scores.flatMap(\.logprobs)
            let total = logprobs.reduce(0.0) { $0 + Double($1) }
            let finite = !scores.contains(where: \.degenerate) && total.isFinite
            return CrossEntropyPoint(alpha: alpha, crossEntropy: -total / Double(logprobs.count), tokens: logprobs.count,
                                     finite: finite)
        }
    }
}
