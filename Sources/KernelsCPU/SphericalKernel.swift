import Foundation

/// Spherical Steering on one row in place (steering-methods.md §2.2–2.3; `Reference.spherical` is the f64 oracle).
///
/// Row sums run in f32 SIMD, the per-row scalars (gate, angle, sin/cos) in f64. With u = (x/n − cμ)/s the update
/// x′ = n(cos θ′ μ + sin θ′ u) is applied as x′ = a·μ + b·x, a = n(cos θ′ − sin θ′·c/s), b = sin θ′/s: one pass.
/// Guards (never NaN): n = 0, t = 0 and θ < 1e-4 leave the row bit-identical; π − θ < 1e-4 takes the
/// deterministic u = normalize(e_k − μ_k μ), k = argmin |μ_k|.
enum SphericalKernel {
    static let angleGuard = 1e-4

    /// Returns the trace row [t, normBefore, normAfter, cosine].
    static func rotate(_ x: UnsafeMutablePointer<Float>, mu: UnsafePointer<Float>, width: Int,
                       alpha: Float, kappa: Float, beta: Float) -> SIMD4<Float> {
        let n = Double(VectorMath.sumOfSquares(x, count: width)).squareRoot()
        guard n > 0 else { return SIMD4(0, 0, 0, 0) }
        let c = min(1, max(-1, Double(VectorMath.dot(x, mu, count: width)) / n))
        let unchanged = SIMD4<Float>(0, Float(n), Float(n), Float(c))

        let delta = -tanh(Double(kappa) * c)
        let betaD = Double(beta)
        let t = delta > betaD ? min(1, max(0, Double(alpha) * (delta - betaD) / (1 - betaD))) : 0
        guard t > 0 else { return unchanged }

        let s = Double(perpendicularNormSquared(x, mu: mu, width: width, inverseNorm: Float(1 / n), cosine: Float(c)))
            .squareRoot()
        let theta = atan2(s, c)
        guard theta >= angleGuard else { return unchanged }
        let turned = (1 - t) * theta

        var normAfterSquared: Float = 0
        if Double.pi - theta < angleGuard {
            normAfterSquared = turnAntipodal(x, mu: mu, width: width, norm: n, turned: turned)
        } else {
            let a = Float(n * (cos(turned) - sin(turned) * c / s)), b = Float(sin(turned) / s)
            var lanes = SIMD16<Float>()
            var i = 0
            while i + 16 <= width {
                var v = loadFloats(x + i) * b
                v.madd(a, loadFloats(mu + i))
                storeFloats(v, to: x + i)
                lanes.madd(v, v)
                i += 16
            }
            normAfterSquared = horizontalSum(lanes)
            while i < width {
                x[i] = a * mu[i] + b * x[i]
                normAfterSquared.madd(x[i], x[i])
                i += 1
            }
        }
        return SIMD4(Float(t), Float(n), normAfterSquared.squareRoot(), Float(c))
    }

    /// ‖x/n − cμ‖², the squared length of the part of x̂ orthogonal to μ.
    private static func perpendicularNormSquared(_ x: UnsafePointer<Float>, mu: UnsafePointer<Float>, width: Int,
                                                 inverseNorm: Float, cosine: Float) -> Float {
        var lanes = SIMD16<Float>()
        var i = 0
        while i + 16 <= width {
            var p = loadFloats(x + i) * inverseNorm
            p.madd(-cosine, loadFloats(mu + i))
            lanes.madd(p, p)
            i += 16
        }
        var total = horizontalSum(lanes)
        while i < width {
            let p = x[i] * inverseNorm - cosine * mu[i]
            total.madd(p, p)
            i += 1
        }
        return total
    }

    /// The antipodal case: x′ = n(cos θ′ μ + sin θ′ u), u = (e_k − μ_k μ)/‖e_k − μ_k μ‖. Returns ‖x′‖².
    /// Rare (measure zero), so plain loops.
    private static func turnAntipodal(_ x: UnsafeMutablePointer<Float>, mu: UnsafePointer<Float>, width: Int,
                                      norm n: Double, turned: Double) -> Float {
        var k = 0
        for i in 1..<max(1, width) where abs(mu[i]) < abs(mu[k]) { k = i }
        let muK = Double(mu[k])
        var lengthSquared = 0.0
        for i in 0..<width {
            let u = (i == k ? 1 : 0) - muK * Double(mu[i])
            lengthSquared += u * u
        }
        let length = lengthSquared.squareRoot()
        let along = n * cos(turned), across = n * sin(turned) / length
        var total: Float = 0
        for i in 0..<width {
            let u = (i == k ? 1 : 0) - muK * Double(mu[i])
            x[i] = Float(along * Double(mu[i]) + across * u)
            total.madd(x[i], x[i])
        }
        return total
    }
}
