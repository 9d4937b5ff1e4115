import Foundation

/// Checks of the steering-strength paper's three laws on measured curves (spec §3.3): token probabilities are
/// bump-shaped (or monotone for the tokens that dominate at the ends), concept probability is sigmoidal in α, and
/// the cross-entropy change is locally quadratic with no linear term. The sweep's report and the results page state
/// each verdict with these numbers.
public enum StrengthLaws {
    /// The shape of a curve over increasing |α|.
    public enum Shape: String, Codable, Sendable {
        /// Rises to its maximum at the last α, never dropping by more than the tolerance on the way.
        case increasing
        /// Falls from its maximum at α = 0, never rising by more than the tolerance on the way.
        case decreasing
        /// Rises to an interior maximum, then falls: the paper's bump.
        case bump
        /// Changes by less than the tolerance.
        case flat
        /// None of the above (e.g. a dip, or several peaks).
        case other
    }

    /// Classifies `values` (ordered by increasing |α|, the first at α = 0). `tolerance` is the smallest change that
    /// counts, in the values' units (noise and float error below it are ignored).
    public static func shape(_ values: [Double], tolerance: Double) -> Shape {
        guard values.count >= 2, values.allSatisfy(\.isFinite) else { return .other }
        let top = values.indices.max { values[$0] < values[$1] }!
        guard values.max()! - values.min()! > tolerance else { return .flat }
        func monotone(_ ys: ArraySlice<Double>, rising: Bool) -> Bool {
            var extreme = ys.first!
            for y in ys {
                if rising ? y < extreme - tolerance : y > extreme + tolerance { return false }
                extreme = rising ? max(extreme, y) : min(extreme, y)
            }
            return true
        }
        if top == values.count - 1, monotone(values[...], rising: true) { return .increasing }
        if values[0] >= values.max()! - tolerance, monotone(values[...], rising: false) { return .decreasing }
        if top > 0, top < values.count - 1, values[top] - values[0] > tolerance, values[top] - values.last! > tolerance,
           monotone(values[...top], rising: true), monotone(values[top...], rising: false) {
            return .bump
        }
        return .other
    }

    /// The tokens of one end of a sweep: each token's shape and where it peaks.
    public struct TokenShapes: Codable, Sendable {
        public struct Token: Codable, Sendable {
            public var token: String
            public var shape: Shape
            /// The α of the largest probability (signed, on this end's side).
            public var peak_alpha: Double
            public var peak_probability: Double
        }
        public var tokens: [Token]
        public var counts: [String: Int]
        /// Whether the token most probable at the end of the range rises monotonically to it (Thm 3.3: the
        /// extremal-log-odds tokens do).
        public var top_token_monotone: Bool
    }

    /// Shapes of token probability curves on one side of α = 0. `alphas` runs from 0 outwards (all ≥ 0 or all ≤ 0);
    /// `curves` are probabilities at those α, one per token, the first being the token most probable at the end.
    public static func tokenShapes(alphas: [Double], curves: [(token: String, probabilities: [Double])],
                                   tolerance: Double = 0.01) -> TokenShapes {
        let tokens = curves.map { curve -> TokenShapes.Token in
            let top = curve.probabilities.indices.max { curve.probabilities[$0] < curve.probabilities[$1] } ?? 0
            return .init(token: curve.token, shape: shape(curve.probabilities, tolerance: tolerance),
                         peak_alpha: alphas.isEmpty ? 0 : alphas[top], peak_probability: curve.probabilities.isEmpty ? 0 : curve.probabilities[top])
        }
        var counts: [String: Int] = [:]
        for t in tokens { counts[t.shape.rawValue, default: 0] += 1 }
        return TokenShapes(tokens: tokens, counts: counts, top_token_monotone: tokens.first?.shape == .increasing)
    }

    /// y ≈ lower + (upper − lower)·σ(steepness·(α − midpoint)), least squares, beside a straight line's fit.
    public struct SigmoidFit: Codable, Sendable {
        public var lower: Double, upper: Double, midpoint: Double, steepness: Double
        public var r_squared: Double
        /// R² of the best straight line through the same points: a sigmoid that does no better is no evidence of one.
        public var linear_r_squared: Double
        /// Largest minus smallest value fitted: a rate that barely moves gives perfect but empty fits.
        public var value_range: Double
        public func callAsFunction(_ alpha: Double) -> Double {
            lower + (upper - lower) / (1 + exp(-steepness * (alpha - midpoint)))
        }
    }

    public static func sigmoid(alphas: [Double], values: [Double]) throws -> SigmoidFit {
        let (x, y) = try DecayFit.finitePairs(alphas, values, needed: 5)
        let line = LinearFit(x: x, y: y)
        let span = max(x.max()! - x.min()!, 1e-9)
        let low = y.min()!, high = y.max()!
        var best: (params: [Double], sse: Double, converged: Bool)?
        // The midpoint starts at each quarter of the range; the steepness's sign follows the line's.
        for fraction in [0.25, 0.5, 0.75] {
            let start = [low, high, x.min()! + fraction * span, (line.slope >= 0 ? 1 : -1) * 8 / span]
            let fit = LevenbergMarquardt.minimize(start, points: x.count) { p in
                x.indices.map { i in p[0] + (p[1] - p[0]) / (1 + exp(-p[3] * (x[i] - p[2]))) - y[i] }
            }
            if fit.sse.isFinite, best == nil || fit.sse < best!.sse { best = fit }
        }
        guard let p = best?.params, p.allSatisfy(\.isFinite) else { throw DecayFit.FitError.notFinite }
        return SigmoidFit(lower: p[0], upper: p[1], midpoint: p[2], steepness: p[3],
                          r_squared: rSquared(residualSumOfSquares: best!.sse, y), linear_r_squared: line.r2,
                          value_range: high - low)
    }

    /// ΔCE ≈ linear·α + quadratic·α² over |α| ≤ window (no constant: ΔCE(0) = 0 by definition).
    public struct QuadraticFit: Codable, Sendable {
        public var window: Double
        public var points: Int
        public var linear: Double, quadratic: Double
        public var r_squared: Double
        /// |linear|·window / (|linear|·window + |quadratic|·window²): the linear term's share of the change at the
        /// window's edge. The law says it is near 0.
        public var linear_share: Double
    }

    public static func quadratic(alphas: [Double], deltaCE: [Double], window: Double) throws -> QuadraticFit {
        let kept = zip(alphas, deltaCE).filter { abs($0.0) <= window && $0.0.isFinite && $0.1.isFinite }
        guard kept.count >= 3 else { throw DecayFit.FitError.tooFewPoints(needed: 3, got: kept.count) }
        // Normal equations of the two-column design [α, α²].
        var s11 = 0.0, s12 = 0.0, s22 = 0.0, t1 = 0.0, t2 = 0.0
        for (a, y) in kept {
            s11 += a * a; s12 += a * a * a; s22 += a * a * a * a; t1 += a * y; t2 += a * a * y
        }
        guard let solution = LevenbergMarquardt.solve([[s11, s12], [s12, s22]], [t1, t2]) else {
            throw DecayFit.FitError.notFinite
        }
        let (b, c) = (solution[0], solution[1])
        let sse = kept.reduce(0) { sum, point in
            let miss = point.1 - (b * point.0 + c * point.0 * point.0)
            return sum + miss * miss
        }
        let linearPart = abs(b) * window, quadraticPart = abs(c) * window * window
        return QuadraticFit(window: window, points: kept.count, linear: b, quadratic: c,
                            r_squared: rSquared(residualSumOfSquares: sse, kept.map(\.1)),
                            linear_share: linearPart + quadraticPart > 0 ? linearPart / (linearPart + quadraticPart) : 0)
    }
}
