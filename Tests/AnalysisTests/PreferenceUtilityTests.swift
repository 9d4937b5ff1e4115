import Foundation
import Testing
@testable import Analysis

@Suite struct PreferenceUtilityTests {
    @Test func oddsFollowTheFactorisation() {
        // P(A_p) = 0.3, P(A_n) = 0.1: P(u) = 0.4, P(p_p) = 0.75.
        let pu = PreferenceUtility(positiveLoss: -log(0.3), negativeLoss: -log(0.1))
        #expect(abs(pu.preferenceOdds - log(0.75 / 0.25)) < 1e-12)
        #expect(abs(pu.utility - 0.4) < 1e-12)
        let odds = pu.utilityOdds
        #expect(abs(odds.value - log(0.4 / 0.6)) < 1e-12 && !odds.clamped)
    }

    /// Mean per-token losses can make e^{−L_p} + e^{−L_n} exceed 1: the utility is clamped and says so.
    @Test func utilityAboveOneIsClampedAndReported() {
        let pu = PreferenceUtility(positiveLoss: 0.2, negativeLoss: 0.3)
        #expect(pu.utility > 1)
        let odds = pu.utilityOdds
        #expect(odds.clamped)
        #expect(abs(odds.value - log((1 - 1e-6) / 1e-6)) < 1e-9)
    }

    @Test func decayIsOneAtTheCentreAndFallsOff() {
        let d = RationalQuadraticDecay(center: 1, shape: 2, length: 3)
        #expect(d(1) == 1)
        #expect(d(4) < 1 && d(10) < d(4) && d(-2) == d(4))
        #expect(abs(d(4) - pow(1 + 9.0 / 36, -2)) < 1e-15)
    }

    /// Synthetic curves from known parameters with a small deterministic wobble: the fits recover them, R² > 0.99.
    @Test func fitsRecoverKnownCurves() throws {
        let m = stride(from: -4.0, through: 4.0, by: 0.25).map { $0 }
        let wobble = m.indices.map { 0.01 * sin(Double($0) * 1.7) }
        let decay = RationalQuadraticDecay(center: 0.5, shape: 1.5, length: 1.2)
        let preference = m.indices.map { (0.9 * m[$0] + 0.3) * decay(m[$0]) - 0.2 + wobble[$0] }
        let pf = try DecayFit.preference(multipliers: m, values: preference)
        #expect(pf.rSquared > 0.99, "R² \(pf.rSquared)")
        #expect(abs(pf.slope - 0.9) < 0.1 && abs(pf.decay.center - 0.5) < 0.2, "\(pf)")

        let utility = m.indices.map { 2.5 * decay(m[$0]) - 1 + wobble[$0] }
        let uf = try DecayFit.utility(multipliers: m, values: utility)
        #expect(uf.rSquared > 0.99, "R² \(uf.rSquared)")
        #expect(abs(uf.scale - 2.5) < 0.1 && abs(uf.offset + 1) < 0.1 && abs(uf.decay.center - 0.5) < 0.1, "\(uf)")
    }

    @Test func tooFewFiniteValuesIsAnError() {
        #expect(throws: DecayFit.FitError.tooFewPoints(needed: 6, got: 3)) {
            try DecayFit.utility(multipliers: [0, 1, 2, 3], values: [1, .nan, 2, 3])
        }
    }
}
