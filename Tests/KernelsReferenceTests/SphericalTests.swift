import TestSupport
import Foundation
import Kernels
import KernelABI
import KernelsReference
import Testing

/// Spherical Steering's guards and invariants (steering-methods.md §2.8), each with an exact expectation.
@Suite struct SphericalTests {
    static let width = 48

    /// x = a·μ + b·w with w a unit vector orthogonal to μ: a row at a chosen angle to μ.
    static func row(mu: [Float], along a: Double, across b: Double, rng: inout SeededRandom) -> [Float] {
        let mud = mu.map(Double.init)
        var w = rng.floats(mu.count).map(Double.init)
        let along = zip(w, mud).reduce(0.0) { $0 + $1.0 * $1.1 }
        w = zip(w, mud).map { $0 - along * $1 }
        let length = w.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return zip(mud, w).map { Float(a * $0 + b * $1 / length) }
    }

    static func norm(_ v: [Float]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / (norm(a) * norm(b))
    }

    @Test func nearlyAlignedRowIsLeftBitIdentical() {
        var rng = SeededRandom(seed: 2)
        let mu = rng.unitVector(Self.width)
        let x = Self.row(mu: mu, along: 3, across: 3e-5, rng: &rng)   // θ ≈ 1e-5 < 1e-4
        let result = Reference.spherical(x, mu: mu, alpha: 1, kappa: 20, beta: -1)
        #expect(result.x == x)
        #expect(!result.rotated && result.t == 0 && result.normAfter == result.normBefore)
        #expect(result.cosine > 0.99999)
    }

    @Test func antipodalRowTurnsAlongTheDeterministicDirection() {
        var rng = SeededRandom(seed: 3)
        let mu = rng.unitVector(Self.width)
        let x = mu.map { -2 * $0 }   // θ = π: perp is rounding noise, so u comes from the guard
        // beta = -1, alpha = 1: t = (1 + δ)/2 with δ = −tanh(−κ) ≈ 1 → t = 1 - tiny; use alpha 0.5 → t ≈ 0.5, θ′ ≈ π/2.
        let result = Reference.spherical(x, mu: mu, alpha: 0.5, kappa: 20, beta: -1)
        #expect(result.rotated && result.x.allSatisfy { $0.isFinite })
        #expect(abs(result.normAfter - 2) < 2e-6)
        let u = Reference.antipodalDirection(mu.map(Double.init))
        let turned = (1 - result.t) * Double.pi   // θ is π up to rounding
        for i in 0..<Self.width {
            let expected = 2 * (cos(turned) * Double(mu[i]) + sin(turned) * u[i])
            #expect(abs(Double(result.x[i]) - expected) < 1e-5, "component \(i)")
        }
        // u is orthogonal to μ (up to μ's own f32 rounding of its unit norm), built on the axis where |μ| is smallest.
        let k = mu.indices.min { abs(mu[$0]) < abs(mu[$1]) }!
        #expect(abs(zip(u, mu).reduce(0.0) { $0 + $1.0 * Double($1.1) }) < 1e-9)
        #expect(u.indices.max { abs(u[$0]) < abs(u[$1]) } == k)
    }

    @Test func antipodalDirectionPicksTheLowestIndexOnTies() {
        let mu: [Double] = [0.6, 0, 0.8, 0]   // |μ| is smallest (0) at indices 1 and 3
        let u = Reference.antipodalDirection(mu)
        #expect(u == [0, 1, 0, 0])
    }

    @Test func zeroRowIsUnchanged() {
        var rng = SeededRandom(seed: 4)
        let mu = rng.unitVector(Self.width)
        let zero = [Float](repeating: 0, count: Self.width)
        let result = Reference.spherical(zero, mu: mu, alpha: 1, kappa: 20, beta: -1)
        #expect(result.x == zero && !result.rotated && result.normBefore == 0 && result.cosine == 0)
    }

    @Test func fullStrengthLandsOnMu() {
        var rng = SeededRandom(seed: 5)
        let mu = rng.unitVector(Self.width)
        for angle in [0.3, 1.5, 2.9] {
            let x = Self.row(mu: mu, along: 5 * cos(angle), across: 5 * sin(angle), rng: &rng)
            // kappa 1 keeps δ = −tanh(c) clear of −1 even at c = cos 0.3; alpha 100 clamps t to 1.
            let result = Reference.spherical(x, mu: mu, alpha: 100, kappa: 1, beta: -1)
            #expect(result.t == 1)
            #expect(abs(Self.cosine(result.x, mu) - 1) < 1e-6)
            #expect(abs(result.normAfter / result.normBefore - 1) < 1e-6)
        }
    }

    @Test func closedGateLeavesRowBitIdentical() {
        var rng = SeededRandom(seed: 6)
        let mu = rng.unitVector(Self.width)
        let x = Self.row(mu: mu, along: 2, across: 2, rng: &rng)   // c ≈ 0.707: δ = −tanh(14) < β = 0
        let result = Reference.spherical(x, mu: mu, alpha: 1, kappa: 20, beta: 0)
        #expect(result.x == x && !result.rotated && result.t == 0)
        // alpha = 0 closes the gate too (t = 0 exactly), whatever the angle.
        let away = Self.row(mu: mu, along: -2, across: 1, rng: &rng)
        #expect(Reference.spherical(away, mu: mu, alpha: 0, kappa: 20, beta: -1).x == away)
    }

    @Test func gateIsTheTwoWaySoftmaxAndMonotone() {
        let kappa = 20.0, beta = -0.2, alpha = 0.8
        var previous = Double.infinity
        for step in 0...200 {
            let c = -1 + Double(step) / 100
            let t = Reference.sphericalGate(cosine: c, alpha: alpha, kappa: kappa, beta: beta)
            // δ = p_H − p_T with (p_T, p_H) = softmax(κc, −κc)
            let pT = exp(kappa * c) / (exp(kappa * c) + exp(-kappa * c))
            let delta = (1 - pT) - pT
            let expected = delta > beta ? min(1, max(0, alpha * (delta - beta) / (1 - beta))) : 0
            #expect(abs(t - expected) < 1e-12, "c = \(c)")
            #expect(t <= previous, "t must not grow as the row turns toward μ (c = \(c))")
            #expect(t <= alpha)
            previous = t
        }
    }

    @Test func betaMinusOneAlwaysSteers() {
        var rng = SeededRandom(seed: 7)
        let mu = rng.unitVector(Self.width)
        for trial in 0..<50 {
            let angle = Double.random(in: 0.01...3.1, using: &rng)
            let x = Self.row(mu: mu, along: cos(angle), across: sin(angle), rng: &rng)
            let result = Reference.spherical(x, mu: mu, alpha: 0.3, kappa: 2, beta: -1)
            #expect(result.rotated && result.t > 0, "trial \(trial), angle \(angle)")
            #expect(Self.cosine(result.x, mu) > Self.cosine(x, mu), "a rotation moves toward μ")
        }
    }

    @Test func normIsPreservedOnRandomRows() {
        var rng = SeededRandom(seed: 8)
        for trial in 0..<200 {
            let width = Int.random(in: 2...300, using: &rng)
            let mu = rng.unitVector(width)
            let scale = Float.random(in: 0.01...100, using: &rng)
            let x: [Float]
            switch trial % 4 {
            case 0: x = Self.row(mu: mu, along: 1, across: 2e-4, rng: &rng)        // θ just above the guard
            case 1: x = Self.row(mu: mu, along: -1, across: 1e-5, rng: &rng)       // within the antipodal guard
            default: x = rng.floats(width, scale: scale)
            }
            let result = Reference.spherical(x, mu: mu, alpha: Float.random(in: 0...1.5, using: &rng),
                                             kappa: Float.random(in: 0...30, using: &rng),
                                             beta: Float.random(in: -1...0.9, using: &rng))
            #expect(result.x.allSatisfy { $0.isFinite })
            #expect(abs(result.normAfter / result.normBefore - 1) < 1e-5, "trial \(trial)")
        }
    }

    @Test func tZeroFromTheFormulaEqualsSlerp() {
        // The (θ′, u) form equals classic Slerp: x̂′ = [sin((1−t)θ) x̂ + sin(tθ) μ] / sin θ.
        var rng = SeededRandom(seed: 9)
        let mu = rng.unitVector(Self.width)
        let x = Self.row(mu: mu, along: 1, across: 1.7, rng: &rng)
        let result = Reference.spherical(x, mu: mu, alpha: 0.6, kappa: 1, beta: -0.5)
        let n = Self.norm(x), c = Self.cosine(x, mu), theta = acos(c), t = result.t
        #expect(t > 0 && t < 1)
        for i in 0..<Self.width {
            let slerp = n * (sin((1 - t) * theta) * Double(x[i]) / n + sin(t * theta) * Double(mu[i])) / sin(theta)
            #expect(abs(Double(result.x[i]) - slerp) < 1e-5)
        }
    }
}
