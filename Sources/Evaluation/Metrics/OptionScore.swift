/// One option's score: how many continuation tokens were scored and the sum of their natural-log probabilities.
public struct OptionScore: Sendable, Codable, Equatable {
    /// Continuation tokens scored.
    public var tokens: Int
    /// Sum of their natural-log probabilities (the device's f32 values summed in Double).
    public var sum: Double
    /// False when the logits were degenerate (a NaN or infinity in the scored rows) or the sum is not finite: the
    /// item then gets no credit (MCMetrics.item).
    public var isFinite: Bool

    /// The per-token mean log-prob.
    public var mean: Double { sum / Double(tokens) }

    /// `isFinite` defaults to what the numbers say: a finite sum over at least one token.
    public init(tokens: Int, sum: Double, isFinite: Bool? = nil) {
        self.tokens = tokens; self.sum = sum
        self.isFinite = isFinite ?? (sum.isFinite && tokens > 0)
    }

    /// The score an option's decision uses under `scoring`.
    public func value(_ scoring: MCScoring) -> Double {
        switch scoring {
        case .sum: sum
        case .mean: mean
        }
    }

    // JSON has no NaN or infinity: a non-finite sum is written as null and read back as NaN, so a degenerate item
    // can still be reported.
    private enum CodingKeys: String, CodingKey { case tokens, sum, isFinite }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try container.decode(Int.self, forKey: .tokens)
        sum = try container.decodeIfPresent(Double.self, forKey: .sum) ?? .nan
        isFinite = try container.decode(Bool.self, forKey: .isFinite)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokens, forKey: .tokens)
        if sum.isFinite { try container.encode(sum, forKey: .sum) } else { try container.encodeNil(forKey: .sum) }
        try container.encode(isFinite, forKey: .isFinite)
    }

    /// NaN sums compare equal here (two degenerate scores of the same length are the same result).
    public static func == (a: OptionScore, b: OptionScore) -> Bool {
        a.tokens == b.tokens && a.isFinite == b.isFinite && (a.sum == b.sum || (a.sum.isNaN && b.sum.isNaN))
    }
}
