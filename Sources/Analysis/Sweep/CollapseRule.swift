import Foundation

/// When a sweep row counts as collapsed, judged against the unsteered row (alpha 0) of the same sweep, so that a small
/// model that already loops when greedy is not blamed on the steering:
///
/// - its logits were NaN or infinite (after the prompt, while continuing, or on the neutral text);
/// - its continuation's 3-gram repetition rate is at least `repetitionIncrease` above alpha 0's;
/// - its continuation's compression ratio is at least `compressionFactor` times alpha 0's;
/// - its cross-entropy on neutral text is at least `crossEntropyJump` nats per token above alpha 0's.
///
/// With several prompts a row collapses when it does on any prompt.
public struct CollapseRule: Sendable, Equatable, Codable {
    public var repetitionIncrease: Double
    public var compressionFactor: Double
    public var crossEntropyJump: Double

    public init(repetitionIncrease: Double = 0.3, compressionFactor: Double = 1.5, crossEntropyJump: Double = 1.0) {
        self.repetitionIncrease = repetitionIncrease; self.compressionFactor = compressionFactor
        self.crossEntropyJump = crossEntropyJump
    }

    enum CodingKeys: String, CodingKey {
        case repetitionIncrease = "repetition_increase", compressionFactor = "compression_factor"
        case crossEntropyJump = "cross_entropy_jump_nats"
    }

    /// What one row measured.
    public struct Measures: Sendable, Equatable {
        public var finite: Bool
        /// Per prompt.
        public var repetition: [Double]
        public var compression: [Double]
        /// Nats per token; nil when the sweep measured none.
        public var crossEntropy: Double?

        public init(finite: Bool, repetition: [Double], compression: [Double], crossEntropy: Double?) {
            self.finite = finite; self.repetition = repetition; self.compression = compression; self.crossEntropy = crossEntropy
        }
    }

    /// Why `row` collapsed, in words, or nil when it did not.
    public func reason(_ row: Measures, baseline: Measures) -> String? {
        guard row.finite else { return "non-finite logits" }
        var reasons: [String] = []
        for (p, (r, r0)) in zip(row.repetition, baseline.repetition).enumerated() where r >= r0 + repetitionIncrease {
            reasons.append("repetition \(Self.format(r)) vs \(Self.format(r0)) unsteered" + (row.repetition.count > 1 ? " (prompt \(p))" : ""))
        }
        for (p, (c, c0)) in zip(row.compression, baseline.compression).enumerated() where c >= c0 * compressionFactor {
            reasons.append("compression ratio \(Self.format(c)) vs \(Self.format(c0)) unsteered" + (row.compression.count > 1 ? " (prompt \(p))" : ""))
        }
        if let ce = row.crossEntropy, let ce0 = baseline.crossEntropy, ce - ce0 >= crossEntropyJump {
            reasons.append("cross-entropy +\(Self.format(ce - ce0)) nats")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// The recommended strength range: the widest interval of consecutive grid values around 0 with no collapsed
    /// row. From alpha 0, it extends upward through the grid until the first collapsed alpha (exclusive), and
    /// downward likewise; its ends are grid values. `alphas` ascending with 0; `collapsed` per alpha.
    public static func recommendedRange(alphas: [Double], collapsed: [Bool]) -> ClosedRange<Double> {
        let zero = alphas.firstIndex(of: 0)!
        var upper = zero, lower = zero
        while upper + 1 < alphas.count, !collapsed[upper + 1] { upper += 1 }
        while lower > 0, !collapsed[lower - 1] { lower -= 1 }
        return alphas[lower]...alphas[upper]
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
