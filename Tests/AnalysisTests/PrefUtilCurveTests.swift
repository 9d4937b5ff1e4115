import Foundation
import Testing
@testable import Analysis

/// The summary of pairs per multiplier and the fits over the mean curves, on hand-made losses.
@Suite struct PrefUtilCurveTests {
    func pair(_ lp: Double, _ ln: Double, degenerate: Bool = false) -> PairObservation {
        PairObservation(positiveLoss: lp, negativeLoss: ln, positiveTokens: 3, negativeTokens: 4, degenerate: degenerate)
    }

    @Test func lossIsTheMeanOrTheSumOfTokenLogProbabilities() {
        #expect(AnswerLoss.meanToken.loss([-1, -2, -3]) == 2)
        #expect(AnswerLoss.sequence.loss([-1, -2, -3]) == 6)
    }

    /// Means, standard errors, clamps and the share preferring A_p, with a degenerate pair left out and counted.
    @Test func pointSummarisesThePairs() {
        // Pair 1: P(u) = e^-0.1 + e^-0.2 > 1, clamped. Pair 2: PrefOdds = 3 - 1 = 2. Pair 3: PrefOdds = -1.
        let point = PrefUtilPoint(multiplier: 2, observations: [pair(0.1, 0.2), pair(1, 3), pair(2, 1),
                                                                pair(.nan, 1, degenerate: true)])
        #expect(point.pairs == 3 && point.degeneratePairs == 1)
        #expect(point.clamped == 1)
        #expect(abs(point.positiveLoss.mean - 3.1 / 3) < 1e-12)
        let odds = [0.1, 2, -1.0], mean = odds.reduce(0, +) / 3
        #expect(abs(point.preferenceOdds.mean - mean) < 1e-12)
        let se = (odds.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2 / 3).squareRoot()
        #expect(abs(point.preferenceOdds.standardError - se) < 1e-12)
        #expect(abs(point.positivePreferred - 2.0 / 3) < 1e-12)
        let clampedOdds = log((1 - 1e-6) / 1e-6)
        let u2 = exp(-1.0) + exp(-3.0), u3 = exp(-2.0) + exp(-1.0)
        let utility = (clampedOdds + log(u2 / (1 - u2)) + log(u3 / (1 - u3))) / 3
        #expect(abs(point.utilityOdds.mean - utility) < 1e-9)
        #expect(MeanAndError([5]).standardError.isNaN)
    }

    /// Three multipliers are too few for either fit: the curve keeps the reason, to be reported, and does not throw.
    @Test func tooFewMultipliersLeaveTheFitsUnmadeWithAReason() {
        let curve = PrefUtilCurve(multipliers: [-1, 0, 1], observations: [[pair(1, 2)], [pair(1, 1)], [pair(2, 1)]])
        #expect(curve.points.map(\.multiplier) == [-1, 0, 1])
        guard case .failure(let error) = curve.preferenceFit else { Issue.record("fitted with 3 points"); return }
        #expect(error == .tooFewPoints(needed: 7, got: 3))
        guard case .failure(.tooFewPoints(needed: 6, got: 3)) = curve.utilityFit else { Issue.record("\(curve.utilityFit)"); return }
    }

    /// Pairs generated from a known preference curve (A_p's loss falling, A_n's rising with m, both decaying to
    /// chance): the fits over the mean curve converge with a high R², and the losses round-trip through the means.
    @Test func fitsOverPairsFromAKnownCurve() throws {
        let m = stride(from: -4.0, through: 4.0, by: 1).map { $0 }
        let decay = RationalQuadraticDecay(center: 0, shape: 1, length: 2)
        let observations = m.map { m in
            (0..<4).map { k in
                let preference = (0.8 * m + 0.2) * decay(m) + 0.05 * Double(k - 2)
                let base = 2.5 - 1.5 * decay(m)
                return pair(base - preference / 2, base + preference / 2)
            }
        }
        let curve = PrefUtilCurve(multipliers: m, observations: observations)
        let preference = try curve.preferenceFit.get(), utility = try curve.utilityFit.get()
        #expect(preference.converged && utility.converged)
        #expect(preference.rSquared > 0.999, "\(preference)")
        #expect(abs(preference.slope - 0.8) < 0.05 && abs(preference.offset + 0.025) < 0.02, "\(preference)")
        #expect(utility.rSquared > 0.95, "\(utility)")
        #expect(abs(utility.decay.center) < 0.3, "\(utility)")
    }
}
