/// Spherical Steering at `resid_post` of one block (steering-methods.md §2.2–2.3): the vMF gate
/// δ = −tanh(κ·cos(h, μ)) opens when δ > β, then h is turned toward the unit prototype μ by the fraction
/// t = clamp(α·(δ − β)/(1 − β), 0, 1) of its angle, keeping its norm.
///
/// The ungated ablation (t fixed at every position) needs no kernel flag: κ = 0 makes δ = 0, β = −1 opens the gate
/// everywhere, and α = 2t gives α·(0 + 1)/2 = t exactly in floating point (a multiplication by 2, then by 1/2).
public struct SphericalRotation: Sendable, Equatable {
    /// f32 [width], the unit prototype μ_T.
    public var mu: [Float]
    public var kappa: Float
    public var alpha: Float
    public var beta: Float

    /// A gated rotation (β in [−1, 1), κ and α finite).
    public init(mu: [Float], kappa: Float, alpha: Float, beta: Float) {
        self.mu = mu; self.kappa = kappa; self.alpha = alpha; self.beta = beta
    }

    /// The ungated ablation: every steered position turns by the fraction `t` of its angle to μ.
    public static func ungated(mu: [Float], t: Float) -> SphericalRotation {
        SphericalRotation(mu: mu, kappa: 0, alpha: 2 * t, beta: -1)
    }

    /// False for the form `ungated(mu:t:)` builds (κ = 0, β = −1), whose t is `alpha / 2` at every position.
    public var isGated: Bool { !(kappa == 0 && beta == -1) }

    /// The fixed t of an ungated rotation (nil when gated).
    public var ungatedT: Float? { isGated ? nil : alpha / 2 }

    /// This rotation with its strength multiplied by `factor` (`FILE:S`): α for a gated one, t for an ungated one;
    /// the kernel clamps t to [0, 1].
    public func scaled(by factor: Float) -> SphericalRotation {
        var copy = self
        copy.alpha *= factor
        return copy
    }

    /// Whether it can change anything: t is 0 everywhere when α is 0 (or the gate can never open).
    public var isEffective: Bool { alpha != 0 }

    /// A problem with the parameters, in words, or nil: μ of unit norm (1e-3) and finite, β in [−1, 1), finite κ and α.
    public func problem() -> String? {
        if let i = mu.firstIndex(where: { !$0.isFinite }) { return "mu[\(i)] is \(mu[i]), not finite" }
        let norm = mu.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard abs(norm - 1) < 1e-3 else { return "mu has norm \(norm), expected a unit vector (within 1e-3)" }
        guard kappa.isFinite else { return "kappa \(kappa) is not finite" }
        guard alpha.isFinite else { return "alpha \(alpha) is not finite" }
        guard beta.isFinite, beta >= -1, beta < 1 else { return "beta \(beta) must be in [-1, 1)" }
        return nil
    }
}
