import Foundation

/// A mean over pairs with its standard error (sample standard deviation / √n; NaN below two values).
public struct MeanAndError: Sendable, Equatable {
    public var mean: Double
    public var standardError: Double

    public init(_ values: [Double]) {
        let n = Double(values.count)
        mean = values.isEmpty ? .nan : values.reduce(0, +) / n
        guard values.count > 1 else { standardError = .nan; return }
        let m = mean
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        standardError = (variance / n).squareRoot()
    }
}

/// The pairs at one multiplier, summarised: means over the pairs whose scores are not degenerate.
public struct PrefUtilPoint: Sendable {
    public var multiplier: Double
    /// Pairs in the means.
    public var pairs: Int
    /// Pairs left out because a pass gave degenerate logits.
    public var degeneratePairs: Int
    public var positiveLoss: MeanAndError
    public var negativeLoss: MeanAndError
    /// PrefOdds = L_n − L_p.
    public var preferenceOdds: MeanAndError
    /// UtilOdds with P(u) clamped to [ε, 1 − ε].
    public var utilityOdds: MeanAndError
    /// Pairs whose P(u) was clamped.
    public var clamped: Int
    /// The share of pairs with PrefOdds > 0 (A_p more likely than A_n): an accuracy on the behaviour.
    public var positivePreferred: Double

    public init(multiplier: Double, observations: [PairObservation]) {
        let kept = observations.filter { !$0.degenerate }
        let odds = kept.map(\.odds)
        let utility = odds.map(\.utilityOdds)
        self.multiplier = multiplier
        pairs = kept.count
        degeneratePairs = observations.count - kept.count
        positiveLoss = MeanAndError(kept.map(\.positiveLoss))
        negativeLoss = MeanAndError(kept.map(\.negativeLoss))
        preferenceOdds = MeanAndError(odds.map(\.preferenceOdds))
        utilityOdds = MeanAndError(utility.map(\.value))
        clamped = utility.filter(\.clamped).count
        positivePreferred = kept.isEmpty ? .nan : Double(odds.filter { $0.preferenceOdds > 0 }.count) / Double(kept.count)
    }
}

/// Preference and utility against the multiplier (spec §6.2): one point per multiplier, and the decay fits of the
/// mean curves, logit P(p_p) = (a·m + b)·D(m) + c and UtilOdds = A·D(m) + B. A fit that cannot be made (too few
/// multipliers, parameters not finite) is kept as its error, to be reported.
public struct PrefUtilCurve: Sendable {
    public var points: [PrefUtilPoint]
    public var preferenceFit: Result<DecayFit.Preference, DecayFit.FitError>
    public var utilityFit: Result<DecayFit.Utility, DecayFit.FitError>

    /// `observations[i]`: the pairs at `multipliers[i]`.
    public init(multipliers: [Double], observations: [[PairObservation]]) {
        precondition(multipliers.count == observations.count)
        points = zip(multipliers, observations).map { PrefUtilPoint(multiplier: $0, observations: $1) }
        let m = points.map(\.multiplier)
        let preference = points.map(\.preferenceOdds.mean), utility = points.map(\.utilityOdds.mean)
        preferenceFit = Result { try DecayFit.preference(multipliers: m, values: preference) }
            .mapError { $0 as? DecayFit.FitError ?? .notFinite }
        utilityFit = Result { try DecayFit.utility(multipliers: m, values: utility) }
            .mapError { $0 as? DecayFit.FitError ?? .notFinite }
    }

    /// Every (pair, multiplier) whose utility was clamped.
    public var clampedTotal: Int { points.reduce(0) { $0 + $1.clamped } }
}
