import Foundation
import KernelABI
import KernelCases
import Kernels
import TestSupport
import Testing

/// The Spherical rotation's guards, with exact expectations (parity inputs stay clear of them on purpose):
/// - θ < 1e-4 (x already along μ, exactly or within 3e-5 rad): x unchanged bit for bit, trace t = 0 and equal norms;
/// - x antipodal to μ: finite, norm preserved, rotated by θ' = (1 − t)π toward μ in the plane of μ and
///   u = normalize(e_k − μ[k]μ) with k = argmin |μ[k]|;
/// - x = 0: unchanged, trace t = 0 and zero norms.
/// The gate is set to always steer (β = −1, t = α(1 + δ)/2 > 0), so an unchanged row is the guard's doing.
enum SphericalGuards {
    static let width = 64
    static let alpha: Float = 1, kappa: Float = 1, beta: Float = -1

    static func check<B: ComputeBackend>(_ backend: B) throws {
        var random = SplitMix64(seed: "spherical.guards")
        var mu = random.unitVector(width)
        mu[5] = 1e-3   // the unique smallest |mu[k]|: the antipodal guard must pick e_5
        let muNorm = mu.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        mu = mu.map { Float(Double($0) / muNorm) }

        // A unit vector perpendicular to mu, for the 3e-5 rad row.
        var perpendicular = random.floats(width).map(Double.init)
        let along = zip(perpendicular, mu).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        perpendicular = zip(perpendicular, mu).map { $0 - along * Double($1) }
        let perpendicularNorm = perpendicular.reduce(0.0) { $0 + $1 * $1 }.squareRoot()

        let nearlyAligned = (0..<width).map { Float(3 * (Double(mu[$0]) + 3e-5 * perpendicular[$0] / perpendicularNorm)) }
        let aligned = mu.map { 2 * $0 }
        let antipodal = mu.map { -2.5 * $0 }
        let zero = [Float](repeating: 0, count: width)
        let inputs = [nearlyAligned, aligned, antipodal, zero]   // [4, width] f32

        var params = VeerSteerSeqParams.none
        params.flags = VEER_STEER_SPHERICAL
        params.sphAlpha = alpha; params.sphKappa = kappa; params.sphBeta = beta; params.sphMu = 0
        let plan = SteerPlan(width: width, rowSeq: [0, 0, 0, 0], rowFlags: Array(repeating: VEER_ROW_STEER, count: 4),
                             seqParams: [params], vectors: mu)
        let x = try backend.makeBuffer(inputs.flatMap { $0 }, label: "x")
        let delta = try backend.makeBuffer([Float](repeating: 0, count: 4 * width), label: "delta")   // x + 0 = x exactly
        let trace = try backend.makeBuffer(byteCount: 4 * 4 * Int(VEER_TRACE_WIDTH), label: "trace")   // [4, 4] f32
        try backend.residualSteer(ResidualSteerOp(rows: 4, width: width), x: x, delta: delta,
                                  tables: try backend.makeSteerTables(plan), trace: trace)
        let out: [Float] = try backend.read(x, count: 4 * width)
        let traces: [Float] = try backend.read(trace, count: 16)
        func row(_ r: Int) -> [Float] { Array(out[r * width ..< (r + 1) * width]) }
        func traceRow(_ r: Int) -> [Float] { Array(traces[r * 4 ..< r * 4 + 4]) }

        for (r, what) in [(0, "3e-5 rad from mu"), (1, "along mu")] {
            expectBitIdentical(row(r), inputs[r], "x \(what)")
            let t = traceRow(r)
            #expect(t[0] == 0, "\(what): t = \(t[0]), expected 0 (theta below the 1e-4 guard)")
            #expect(t[1] == t[2], "\(what): norms \(t[1]) before, \(t[2]) after: must be equal when unchanged")
            #expect(abs(Double(t[1]) - norm(inputs[r])) <= 1e-5 * norm(inputs[r]), "\(what): normBefore \(t[1])")
        }

        checkAntipodal(row(2), trace: traceRow(2), mu: mu)

        expectBitIdentical(row(3), zero, "zero row")
        #expect(traceRow(3)[0] == 0 && traceRow(3)[1] == 0 && traceRow(3)[2] == 0, "zero row trace \(traceRow(3))")
    }

    /// x = −2.5 μ: c = −1, so δ = tanh(κ), t = α(1 + δ)/2 and the result is 2.5(cos θ' μ + sin θ' u), θ' = (1 − t)π.
    private static func checkAntipodal(_ result: [Float], trace: [Float], mu: [Float]) {
        #expect(result.allSatisfy { $0.isFinite }, "antipodal row has non-finite values")
        #expect(trace.allSatisfy { $0.isFinite }, "antipodal trace \(trace)")
        let n = 2.5
        #expect(abs(norm(result) - n) <= 1e-5 * n, "antipodal row norm \(norm(result)), expected \(n)")
        let t = Double(alpha) * (1 + tanh(Double(kappa))) / 2
        #expect(abs(Double(trace[0]) - t) <= 1e-5, "antipodal t = \(trace[0]), expected \(t)")
        #expect(abs(Double(trace[1]) - n) <= 1e-5 * n && abs(Double(trace[2]) - n) <= 1e-5 * n, "norms \(trace[1]), \(trace[2])")

        let k = 5
        var u = mu.map { -Double(mu[k]) * Double($0) }
        u[k] += 1
        let uNorm = u.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        let thetaPrime = (1 - t) * Double.pi
        let expected = (0..<mu.count).map { Float(n * (cos(thetaPrime) * Double(mu[$0]) + sin(thetaPrime) * u[$0] / uNorm)) }
        expectClose(result, expected, nmse: 1e-10, maxAbs: 1e-5, "antipodal row vs the closed form")
    }

    private static func norm(_ v: [Float]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
}
