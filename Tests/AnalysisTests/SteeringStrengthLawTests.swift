import Foundation
import Testing
@testable import Analysis

/// The three laws of "Towards Understanding Steering Strength" (spec §3.3) on the spec's 9-token simulator.
@Suite struct SteeringStrengthLawTests {
    let model = try! UnconstrainedFeaturesModel.example()
    let target = UnconstrainedFeaturesModel.exampleConcept(0)
    let alphas = stride(from: 0.0, through: 40.0, by: 0.05).map { $0 }

    /// The first α of the grid where Δp(z|c_j) stops rising (its slope turns negative), or nil if it only rises.
    func peak(token z: Int, context j: Int) -> Double? {
        alphas.first { model.probabilitySlope(token: z, context: j, alpha: $0) < 0 }
    }

    @Test func logOddsSeparateTheTargetConcept() {
        for z in 0..<model.vocabularySize {
            #expect((model.logOdds[z] > 0) == target.contains(z), "token \(z): M = \(model.logOdds[z])")
        }
    }

    /// Theorem 3.3: a token without extremal log-odds rises, peaks once, then falls; tokens with lower log-odds peak
    /// earlier, so off-target tokens peak before target ones; the argmax-M token only rises.
    @Test func tokenProbabilitiesAreBumpsOrderedByLogOdds() throws {
        let j = 2   // a context of a third concept: both target and off-target tokens start small
        let top = model.logOdds.indices.max { model.logOdds[$0] < model.logOdds[$1] }!
        #expect(peak(token: top, context: j) == nil, "the max-log-odds token must rise monotonically")
        var peaks: [(m: Double, alpha: Double, z: Int)] = []
        for z in 0..<model.vocabularySize where z != top {
            guard let a = peak(token: z, context: j) else { Issue.record("token \(z) never peaks"); continue }
            // Once falling, it keeps falling: one bump.
            let after = alphas.filter { $0 > a }
            #expect(after.allSatisfy { model.probabilitySlope(token: z, context: j, alpha: $0) <= 1e-15 }, "token \(z)")
            peaks.append((model.logOdds[z], a, z))
        }
        let byLogOdds = peaks.sorted { $0.m < $1.m }
        for (lower, higher) in zip(byLogOdds, byLogOdds.dropFirst()) {
            #expect(lower.alpha <= higher.alpha, "token \(lower.z) (M \(lower.m)) peaks after token \(higher.z) (M \(higher.m))")
        }
        let lastOffTarget = peaks.filter { !target.contains($0.z) }.map(\.alpha).max()!
        let firstTarget = peaks.filter { target.contains($0.z) }.map(\.alpha).min()!
        #expect(lastOffTarget < firstTarget)
        // As α grows, the mass goes to the argmax-M token.
        #expect(model.steered(context: j, alpha: 400)[top] > 0.99)
    }

    /// Theorem 3.6: the concept's change follows the tanh closed form, rising in a sigmoid for the target concept.
    @Test func conceptProbabilityIsTheTanhClosedForm() {
        for j in 0..<3 {
            for alpha in [-20.0, -3, -0.5, 0, 0.5, 3, 20] {
                let direct = model.conceptChange(target, context: j, alpha: alpha)
                let closed = model.conceptChangeClosedForm(target, context: j, alpha: alpha)
                #expect(abs(direct - closed) < 1e-9, "context \(j), α \(alpha): \(direct) vs \(closed)")
            }
        }
        let curve = alphas.map { model.conceptMass(target, context: 1, alpha: $0) }
        // Rising (to rounding: near 1 the mass moves in its last bits).
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 })
        #expect(curve.first! < 0.05 && curve.last! > 0.95)
    }

    /// Theorem 3.8: ΔCE has no linear term and its quadratic coefficient is ½·Σπ·Var_p(M); steering always hurts.
    @Test func crossEntropyIsLocallyQuadratic() {
        let c = model.crossEntropyCurvature()
        #expect(c > 0)
        for alpha in [1e-3, 1e-2] {
            let plus = model.crossEntropyChange(alpha: alpha), minus = model.crossEntropyChange(alpha: -alpha)
            #expect(abs(plus / (alpha * alpha) - c) < 0.02 * c, "α \(alpha): \(plus / (alpha * alpha)) vs \(c)")
            #expect(abs(plus - minus) < 0.05 * plus, "a linear term at α \(alpha)")
        }
        for alpha in [-10.0, -1, 0.5, 5] { #expect(model.crossEntropyChange(alpha: alpha) > 0) }
        #expect(abs(model.crossEntropyChange(alpha: 0)) < 1e-15)
    }

    @Test func badModelsAreRefusedWithTheReason() {
        #expect(throws: UnconstrainedFeaturesModel.ModelError.badDistribution(context: 1, detail: "probabilities sum to 0.9, expected 1")) {
            try UnconstrainedFeaturesModel(distributions: [[0.5, 0.5], [0.4, 0.5]], positive: [0], negative: [1])
        }
        #expect(throws: UnconstrainedFeaturesModel.ModelError.self) {
            try UnconstrainedFeaturesModel(distributions: [[0.5, 0.5]], positive: [0], negative: [3])
        }
        #expect(throws: UnconstrainedFeaturesModel.ModelError.self) {
            try UnconstrainedFeaturesModel(distributions: [[1.0, 0.0]], positive: [0], negative: [0])
        }
    }
}
