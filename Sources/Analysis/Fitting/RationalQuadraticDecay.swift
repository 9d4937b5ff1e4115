import Foundation

/// The validity decay of the preference/utility model (spec §6.2): D(m) = (1 + (m − m₀)²/(2γℓ²))^(−γ), in (0, 1],
/// 1 at m = m₀, falling off over a length ℓ with the tail's heaviness γ (the rational-quadratic kernel).
public struct RationalQuadraticDecay: Sendable, Equatable {
    public var center: Double
    public var shape: Double
    public var length: Double

    public init(center: Double, shape: Double, length: Double) {
        self.center = center
        self.shape = shape
        self.length = length
    }

    public func callAsFunction(_ m: Double) -> Double {
        let d = m - center
        return pow(1 + d * d / (2 * shape * length * length), -shape)
    }
}

/// Fits of the preference and utility curves against the steering multiplier m, least squares with R².
public enum DecayFit {
    /// logit P(p_p) = PrefOdds ≈ (slope·m + intercept)·D(m) + offset.
    public struct Preference: Sendable {
        public var slope: Double, intercept: Double, offset: Double
        public var decay: RationalQuadraticDecay
        public var rSquared: Double
        /// Whether Levenberg-Marquardt stopped at a minimum (false: it ran out of iterations; report the fit as such).
        public var converged: Bool
        public func callAsFunction(_ m: Double) -> Double { (slope * m + intercept) * decay(m) + offset }
    }

    /// UtilOdds ≈ scale·D(m) + offset.
    public struct Utility: Sendable {
        public var scale: Double, offset: Double
        public var decay: RationalQuadraticDecay
        public var rSquared: Double
        /// Whether Levenberg-Marquardt stopped at a minimum (false: it ran out of iterations; report the fit as such).
        public var converged: Bool
        public func callAsFunction(_ m: Double) -> Double { scale * decay(m) + offset }
    }

    public enum FitError: Error, Equatable, CustomStringConvertible {
        case tooFewPoints(needed: Int, got: Int)
        case notFinite

        public var description: String {
            switch self {
            case let .tooFewPoints(needed, got): return "a fit needs at least \(needed) multipliers with finite values, got \(got)"
            case .notFinite: return "the fit did not converge to finite parameters"
            }
        }
    }

    /// Fits the preference model; γ and ℓ are kept positive by fitting their logarithms. Several starting lengths
    /// are tried and the best fit kept.
    public static func preference(multipliers m: [Double], values y: [Double]) throws -> Preference {
        let (m, y) = try finitePairs(m, y, needed: 7)
        let span = max(m.max()! - m.min()!, 1e-9)
        let line = LinearFit(x: m, y: y)
        var best: (params: [Double], sse: Double, converged: Bool)?
        for startLength in [span / 8, span / 3, span] {
            let start = [line.slope, line.intercept, 0, 0, 0, log(startLength)]   // γ = 1
            let fit = LevenbergMarquardt.minimize(start, points: m.count) { p in
                let decay = RationalQuadraticDecay(center: p[3], shape: exp(p[4]), length: exp(p[5]))
                return m.indices.map { i in (p[0] * m[i] + p[1]) * decay(m[i]) + p[2] - y[i] }
            }
            if best == nil || fit.sse < best!.sse { best = fit }
        }
        let p = best!.params
        guard p.allSatisfy(\.isFinite) else { throw FitError.notFinite }
        return Preference(slope: p[0], intercept: p[1], offset: p[2],
                          decay: RationalQuadraticDecay(center: p[3], shape: exp(p[4]), length: exp(p[5])),
                          rSquared: rSquared(residualSumOfSquares: best!.sse, y), converged: best!.converged)
    }

    /// Fits the utility model, starting the decay's centre at the multiplier with the highest utility.
    public static func utility(multipliers m: [Double], values y: [Double]) throws -> Utility {
        let (m, y) = try finitePairs(m, y, needed: 6)
        let span = max(m.max()! - m.min()!, 1e-9)
        let top = y.indices.max { y[$0] < y[$1] }!
        let low = y.min()!, high = y.max()!
        var best: (params: [Double], sse: Double, converged: Bool)?
        for startLength in [span / 8, span / 3, span] {
            let start = [high - low, low, m[top], 0, log(startLength)]   // γ = 1
            let fit = LevenbergMarquardt.minimize(start, points: m.count) { p in
                let decay = RationalQuadraticDecay(center: p[2], shape: exp(p[3]), length: exp(p[4]))
                return m.indices.map { i in p[0] * decay(m[i]) + p[1] - y[i] }
            }
            if best == nil || fit.sse < best!.sse { best = fit }
        }
        let p = best!.params
        guard p.allSatisfy(\.isFinite) else { throw FitError.notFinite }
        return Utility(scale: p[0], offset: p[1],
                       decay: RationalQuadraticDecay(center: p[2], shape: exp(p[3]), length: exp(p[4])),
                       rSquared: rSquared(residualSumOfSquares: best!.sse, y), converged: best!.converged)
    }

    /// The pairs whose both values are finite; at least `needed` of them (more than the parameters).
    static func finitePairs(_ m: [Double], _ y: [Double], needed: Int) throws -> ([Double], [Double]) {
        let kept = zip(m, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard kept.count >= needed else { throw FitError.tooFewPoints(needed: needed, got: kept.count) }
        return (kept.map(\.0), kept.map(\.1))
    }
}
