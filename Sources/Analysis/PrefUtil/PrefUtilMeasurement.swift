import Evaluation
import Kernels

/// How an answer's loss L is taken from its token log-probabilities (spec §6.2).
public enum AnswerLoss: String, Sendable, CaseIterable {
    /// L = −mean of the answer tokens' log-probabilities: the per-token cross-entropy the reference code logs
    /// (HF's `outputs.loss`, prompt masked). e^{−L_p} + e^{−L_n} can exceed 1, so the utility is clamped.
    case meanToken = "mean-token"
    /// L = −Σ log-probabilities: the whole answer's probability, so e^{−L_p} + e^{−L_n} ≤ 1.
    case sequence

    public func loss(_ logprobs: [Float]) -> Double {
        let sum = logprobs.reduce(0.0) { $0 + Double($1) }
        return self == .sequence ? -sum : -sum / Double(logprobs.count)
    }
}

/// One pair scored at one multiplier.
public struct PairObservation: Sendable, Equatable {
    public var positiveLoss: Double
    public var negativeLoss: Double
    public var positiveTokens: Int
    public var negativeTokens: Int
    /// A pass gave degenerate logits (NaN, ±inf, all equal) for one of the answers: not a measurement.
    public var degenerate: Bool

    public init(positiveLoss: Double, negativeLoss: Double, positiveTokens: Int, negativeTokens: Int, degenerate: Bool) {
        self.positiveLoss = positiveLoss; self.negativeLoss = negativeLoss
        self.positiveTokens = positiveTokens; self.negativeTokens = negativeTokens; self.degenerate = degenerate
    }

    public var odds: PreferenceUtility { PreferenceUtility(positiveLoss: positiveLoss, negativeLoss: negativeLoss) }
}

/// Scores polarity pairs under each steering multiplier with the evaluation's scorer (prompt once per pair, both
/// answers batched across KV-cache slots, log-probabilities on the device).
public enum PrefUtilMeasurement {
    /// [multiplier][pair]: the losses of each pair's answers. `tokenized` holds one item per pair whose option 0 is
    /// A_p and option 1 is A_n (`PairRendering.item`). `steering(m)` is the steering at multiplier m; it is never
    /// asked for m = 0, which runs unsteered, so that row is the unsteered model's scores bit for bit. `progress` is
    /// told each multiplier's index when it is done.
    public static func measure<B: ComputeBackend>(
        scorer: MCScorer<B>, tokenized: TokenizedTask, multipliers: [Double], loss: AnswerLoss, slots: Int? = nil,
        steering: (Double) throws -> ScoringSteering, progress: ((Int) -> Void)? = nil
    ) throws -> [[PairObservation]] {
        precondition(tokenized.placements.allSatisfy { $0.count == 2 }, "each item must be a pair: A_p, then A_n")
        return try multipliers.enumerated().map { index, m in
            let scores = try scorer.score(tokenized.requests, steering: m == 0 ? nil : try steering(m), slots: slots)
            progress?(index)
            return observations(tokenized, scores, loss: loss)
        }
    }

    /// The pairs' losses from the scores of `tokenized`'s requests.
    public static func observations(_ tokenized: TokenizedTask, _ scores: [[ContinuationScore]], loss: AnswerLoss) -> [PairObservation] {
        tokenized.placements.map { item in
            let p = scores[item[0].request][item[0].continuation], n = scores[item[1].request][item[1].continuation]
            return PairObservation(positiveLoss: loss.loss(p.logprobs), negativeLoss: loss.loss(n.logprobs),
                                   positiveTokens: p.logprobs.count, negativeTokens: n.logprobs.count,
                                   degenerate: p.degenerate || n.degenerate)
        }
    }
}
