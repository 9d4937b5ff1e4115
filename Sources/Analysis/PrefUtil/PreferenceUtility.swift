import Foundation

/// Preference and utility on a log-odds scale (spec §6.2, "Why Steering Works"): for a query with a concept-positive
/// answer A_p and a concept-negative answer A_n, P(A_p|q) = P(u|q)·P(p_p|q) and P(A_n|q) = P(u|q)·P(p_n|q) with
/// P(p_p) + P(p_n) = 1, so the utility P(u|q) = P(A_p|q) + P(A_n|q) cancels out of the preference.
public struct PreferenceUtility: Sendable, Equatable {
    /// L_p = −log P(A_p|q), L_n = −log P(A_n|q): per answer token (the mean cross-entropy the reference code logs), or
    /// of the whole answer (the sum of token log-probabilities), as the caller measured them.
    public var positiveLoss: Double
    public var negativeLoss: Double

    public init(positiveLoss: Double, negativeLoss: Double) {
        self.positiveLoss = positiveLoss
        self.negativeLoss = negativeLoss
    }

    /// How far P(u) is kept from 0 and 1 before its log-odds are taken.
    public static let utilityClamp = 1e-6

    /// PrefOdds = log P(p_p|q)/P(p_n|q) = L_n − L_p.
    public var preferenceOdds: Double { negativeLoss - positiveLoss }

    /// P(u|q) = e^{−L_p} + e^{−L_n}. With per-token losses these are geometric-mean token probabilities, whose sum
    /// can exceed 1; `utilityOdds` clamps it.
    public var utility: Double { exp(-positiveLoss) + exp(-negativeLoss) }

    /// UtilOdds = log P(u)/(1 − P(u)) with P(u) clamped to [ε, 1 − ε] (ε = `utilityClamp`), and whether it was.
    public var utilityOdds: (value: Double, clamped: Bool) {
        let raw = utility
        let eps = Self.utilityClamp
        let clamped = min(max(raw, eps), 1 - eps)
        return (log(clamped / (1 - clamped)), clamped != raw)
    }
}
