import Foundation
import Kernels

/// What one Spherical rotation did to a row: the trace row a kernel writes is [t, normBefore, normAfter, cosine].
public struct SphericalOutcome: Sendable, Equatable {
    /// The rotated (or untouched) row.
    public var x: [Float]
    /// The gate's fraction of the angle removed; 0 when the row was left alone.
    public var t: Double
    public var normBefore: Double
    /// ‖x‖ of the returned (f32) row; equals normBefore when the row was left alone.
    public var normAfter: Double
    /// clamp(cos(x, μ), −1, 1); 0 for a zero row.
    public var cosine: Double
    public var rotated: Bool
}

extension Reference {
    /// The gate and rotation below differ from π by less than this: the row is taken as antipodal to μ.
    public static let sphericalAngleGuard = 1e-4

    /// Spherical Steering (steering-methods.md §2.2–2.3) on one row, in f64, in the (θ′, u) form:
    ///   n = ‖x‖ (0: no change); x̂ = x/n; c = clamp(x̂·μ, −1, 1); δ = −tanh(κc);
    ///   t = δ > β ? clamp(α(δ − β)/(1 − β), 0, 1) : 0   (t = 0: no change, so the row stays bit-identical);
    ///   perp = x̂ − cμ, s = ‖perp‖, θ = atan2(s, c) (accurate at both ends, unlike acos);
    ///   θ < 1e-4: no change (already aligned);
    ///   π − θ < 1e-4 (antipodal, perp is noise): u = normalize(e_k − μ_k μ), k = argmin |μ_k| (lowest k on ties);
    ///   otherwise u = perp / s;
    ///   x′ = n (cos θ′ μ + sin θ′ u), θ′ = (1 − t)θ.
    /// mu is the unit prototype μ, same width as x.
    public static func spherical(_ x: [Float], mu: [Float], alpha: Float, kappa: Float, beta: Float) -> SphericalOutcome {
        precondition(x.count == mu.count, "spherical: x has \(x.count) values but mu has \(mu.count)")
        let n = norm(x[...])
        var outcome = SphericalOutcome(x: x, t: 0, normBefore: n, normAfter: n, cosine: 0, rotated: false)
        guard n > 0 else { return outcome }

        let unit = x.map { Double($0) / n }
        let m = mu.map(Double.init)
        let c = min(1, max(-1, zip(unit, m).reduce(0.0) { $0 + $1.0 * $1.1 }))
        outcome.cosine = c

        let delta = -tanh(Double(kappa) * c)
        let beta = Double(beta)
        let t = delta > beta ? min(1, max(0, Double(alpha) * (delta - beta) / (1 - beta))) : 0
        guard t > 0 else { return outcome }

        let perp = zip(unit, m).map { $0 - c * $1 }
        let s = perp.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        let theta = atan2(s, c)
        guard theta >= sphericalAngleGuard else { return outcome }

        let u: [Double]
        if Double.pi - theta < sphericalAngleGuard {
            u = antipodalDirection(m)
        } else {
            u = perp.map { $0 / s }
        }
        let turned = (1 - t) * theta
        outcome.x = zip(m, u).map { Float(n * (cos(turned) * $0 + sin(turned) * $1)) }
        outcome.t = t
        outcome.normAfter = norm(outcome.x[...])
        outcome.rotated = true
        return outcome
    }

    /// A unit vector orthogonal to μ chosen without looking at x: normalize(e_k − μ_k μ) with k the index of the
    /// smallest |μ_k| (lowest index on ties), the axis least aligned with μ, so the subtraction loses least.
    public static func antipodalDirection(_ mu: [Double]) -> [Double] {
        var k = 0
        for i in mu.indices where abs(mu[i]) < abs(mu[k]) { k = i }
        var u = mu.map { -mu[k] * $0 }
        u[k] += 1
        let length = u.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return u.map { $0 / length }
    }

    /// The vMF gate alone: t as a function of the cosine c (for tests of monotonicity and the β edge cases).
    public static func sphericalGate(cosine c: Double, alpha: Double, kappa: Double, beta: Double) -> Double {
        let delta = -tanh(kappa * c)
        return delta > beta ? min(1, max(0, alpha * (delta - beta) / (1 - beta))) : 0
    }
}
