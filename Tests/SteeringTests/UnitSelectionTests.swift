import Foundation
import Kernels
import Testing
@testable import Steering

/// AUSteer's scoring and global top-k on a hand-computed example, and ITI's probes on a planted separable set.
@Suite("AUSteer selection and ITI probes") struct UnitSelectionTests {
    /// Differences positive − negative per pair (rows) and unit (columns) for two blocks of width 3, N = 4 pairs:
    ///
    ///     block 0: unit 0 has 3 up, 1 down -> +0.75; unit 1 is 0 in every pair -> 0 (never selected);
    ///              unit 2 has 2 up, 2 down: a tie -> +0.5
    ///     block 1: unit 0 has 1 up, 3 down -> -0.75; unit 1 ties 2/2 -> +0.5; unit 2 has 1 up and 3 exact
    ///              zeros, which count for neither side but stay in N -> 1/4 = +0.25
    static let differences: [Int: [Float]] = [
        0: [1, 0, -1, /**/ 1, 0, 1, /**/ 1, 0, -1, /**/ -1, 0, 1],
        1: [-1, 1, 0, /**/ -1, -1, 0, /**/ -1, 1, 1, /**/ 1, -1, 0],
    ]

    func scores() -> [Int: [Float]] {
        // Negative texts read 2 everywhere: only the sign of the difference counts, not the level.
        Self.differences.mapValues { d in
            SignConsistency.scores(positive: d.map { $0 * 3 + 2 }, negative: [Float](repeating: 2, count: d.count), width: 3)
        }
    }

    @Test func scoresCountSignsWithTiesPositiveAndZerosForNeither() {
        let s = scores()
        #expect(s[0] == [0.75, 0, 0.5])
        #expect(s[1] == [-0.75, 0.5, 0.25])
    }

    @Test func globalTopKRanksBlockMajorOnTiesAndSkipsZeroScores() {
        let s = scores()
        // |β| ranking: (0,0) 0.75 before (1,0) 0.75 (block-major), then (0,2) 0.5 before (1,1) 0.5, then (1,2) 0.25.
        #expect(SignConsistency.select(s, k: 1) == [0: [0.75, 0, 0]])
        #expect(SignConsistency.select(s, k: 2) == [0: [0.75, 0, 0], 1: [-0.75, 0, 0]])
        #expect(SignConsistency.select(s, k: 3) == [0: [0.75, 0, 0.5], 1: [-0.75, 0, 0]])
        #expect(SignConsistency.select(s, k: 4) == [0: [0.75, 0, 0.5], 1: [-0.75, 0.5, 0]])
        let all: [Int: [Float]] = [0: [0.75, 0, 0.5], 1: [-0.75, 0.5, 0.25]]
        #expect(SignConsistency.select(s, k: 5) == all)
        #expect(SignConsistency.select(s, k: 6) == all, "the unit whose differences are all 0 is never selected")
    }

    /// 2 blocks x 2 heads of dimension 4; only head 1 of block 1 separates the labels (true: +2 on its first
    /// coordinate, false: −2), every other coordinate is noise.
    static func plantedHeads(texts: Int) -> (rows: [Int: [Float]], labels: [Bool]) {
        var random = SplitMix64(seed: 11)
        let labels = (0..<texts).map { $0 % 3 != 0 }
        var rows: [Int: [Float]] = [:]
        for layer in 0..<2 {
            rows[layer] = labels.flatMap { label -> [Float] in
                var row = random.floats(8, -1, 1)
                if layer == 1 { row[4] = (label ? 2 : -2) + random.uniform(-0.5, 0.5) }
                return row
            }
        }
        return (rows, labels)
    }

    @Test func probesFindThePlantedHeadWithPerfectValidationAccuracy() {
        let (rows, labels) = Self.plantedHeads(texts: 60)
        let isValidation = labels.indices.map { $0 % 5 == 4 }
        let ranking = HeadProbes.rank(rows: rows, labels: labels, isValidation: isValidation, headDimension: 4)
        #expect(ranking.count == 4)
        #expect(ranking[0].layer == 1 && ranking[0].head == 1)
        #expect(ranking[0].validationAccuracy == 1.0)
        #expect(ranking.dropFirst().allSatisfy { $0.validationAccuracy < 1.0 }, "noise heads: \(ranking)")
        // The probe separates its training texts too.
        let slice = labels.indices.flatMap { rows[1]![$0 * 8 + 4 ..< $0 * 8 + 8] }
        let probe = LogisticProbe(features: slice, labels: labels, width: 4)
        #expect(probe.accuracy(features: slice, labels: labels) == 1.0)
        #expect(probe.weights[0] > 0 && abs(probe.weights[0]) > 3 * probe.weights.dropFirst().map(abs).max()!)
        // Its centre-of-mass direction points along the planted coordinate.
        let theta = HeadProbes.direction(rows: rows[1]!, labels: labels, head: 1, headDimension: 4)
        #expect(theta[0] > 0.95 && abs(theta.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
    }

    @Test func logisticProbeMatchesTheRegularisedOptimum() {
        // One feature, labels at x = −1 (false) and x = +1 (true): by symmetry b = 0 and w solves
        // w = 2·σ(−w) (the gradient of ½w² + 2·log(1 + e^(−w)) is 0), w ≈ 0.7616 (tanh-free check below).
        let probe = LogisticProbe(features: [-1, 1], labels: [false, true], width: 1)
        let w = probe.weights[0]
        #expect(abs(probe.intercept) < 1e-9)
        #expect(abs(w - 2 / (1 + exp(w))) < 1e-9)
    }

    @Test func sigmaIsThePopulationStandardDeviationOfTheProjections() {
        // Projections onto (1, 0) of the head-0 slices: 1, 3, 5, 7 -> mean 4, population std √5.
        let rows: [Float] = [1, 9, 3, 9, 5, 9, 7, 9]
        let sigma = HeadProbes.sigma(tuningRows: rows, texts: 4, head: 0, headDimension: 2, direction: [1, 0])
        #expect(abs(sigma - 5.0.squareRoot()) < 1e-12)
    }

    @Test func validationSplitHoldsOutAFifthOfTheQuestions() {
        let held = HeadProbes.validationQuestions(count: 50)
        #expect(held.count == 10 && held.allSatisfy { (0..<50).contains($0) })
        #expect(held == HeadProbes.validationQuestions(count: 50), "the same split on every run")
        #expect(HeadProbes.validationQuestions(count: 2).count == 1)
        #expect(HeadProbes.validationQuestions(count: 3).count == 1)
    }
}
