import Foundation
import Testing
@testable import Analysis

/// The law checks applied to measured curves: on the simulator, whose curves obey the laws by construction, they must
/// say so; on curves that break a law, they must not.
@Suite struct StrengthLawsTests {
    let model = try! UnconstrainedFeaturesModel.example()

    @Test func shapesOfHandMadeCurves() {
        #expect(StrengthLaws.shape([0.1, 0.2, 0.5, 0.9], tolerance: 0.01) == .increasing)
        #expect(StrengthLaws.shape([0.9, 0.5, 0.2, 0.2], tolerance: 0.01) == .decreasing)
        #expect(StrengthLaws.shape([0.1, 0.4, 0.6, 0.3, 0.05], tolerance: 0.01) == .bump)
        #expect(StrengthLaws.shape([0.3, 0.3005, 0.2998], tolerance: 0.01) == .flat)
        #expect(StrengthLaws.shape([0.5, 0.1, 0.6, 0.1], tolerance: 0.01) == .other)   // two peaks
        #expect(StrengthLaws.shape([0.2, 0.6, 0.1, 0.7], tolerance: 0.01) == .other)
        // Noise below the tolerance does not break a monotone rise.
        #expect(StrengthLaws.shape([0.1, 0.3, 0.295, 0.6], tolerance: 0.01) == .increasing)
        #expect(StrengthLaws.shape([0.1, .nan, 0.6], tolerance: 0.01) == .other)
    }

    /// Theorem 3.3 on the simulator: the argmax-M token rises monotonically, the other tokens that grow are bumps.
    @Test func simulatorTokensAreBumpsAndTheTopTokenIsMonotone() {
        let alphas = stride(from: 0.0, through: 30.0, by: 0.5).map { $0 }
        let j = 2
        let top = model.logOdds.indices.max { model.logOdds[$0] < model.logOdds[$1] }!
        let others = model.logOdds.indices.filter { $0 != top && model.logOdds[$0] > 0 }
        let curves = ([top] + others).map { z in
            (token: "z\(z)", probabilities: alphas.map { model.steered(context: j, alpha: $0)[z] })
        }
        let shapes = StrengthLaws.tokenShapes(alphas: alphas, curves: curves, tolerance: 1e-4)
        #expect(shapes.top_token_monotone)
        #expect(shapes.tokens.dropFirst().allSatisfy { $0.shape == .bump }, "\(shapes.tokens)")
        #expect(shapes.counts["bump"] == others.count)
    }

    /// Theorem 3.6: the target concept's mass is a sigmoid in α (R² near 1, far better than a line).
    @Test func simulatorConceptMassFitsASigmoid() throws {
        let alphas = stride(from: -10.0, through: 10.0, by: 1).map { $0 }
        let target = UnconstrainedFeaturesModel.exampleConcept(0)
        let mass = alphas.map { model.conceptMass(target, context: 1, alpha: $0) }
        let fit = try StrengthLaws.sigmoid(alphas: alphas, values: mass)
        #expect(fit.r_squared > 0.99 && fit.r_squared > fit.linear_r_squared)
        #expect(fit.steepness > 0 && fit.upper > fit.lower)
        // A straight line gains nothing from the sigmoid: both fit it perfectly.
        let line = try StrengthLaws.sigmoid(alphas: alphas, values: alphas.map { 0.5 + 0.01 * $0 })
        #expect(line.linear_r_squared > 0.999999)
        // A rate that never moves fits anything perfectly; its range says there was nothing to fit.
        let flat = try StrengthLaws.sigmoid(alphas: alphas, values: alphas.map { _ in 1 })
        #expect(flat.value_range == 0)
        #expect(abs(fit.value_range - (mass.max()! - mass.min()!)) < 1e-12)
    }

    /// Theorem 3.8: ΔCE near 0 is quadratic with the closed-form coefficient and no linear term; an added linear term
    /// is found and reported as such.
    @Test func simulatorCrossEntropyIsQuadraticNearZero() throws {
        let alphas = stride(from: -0.05, through: 0.05, by: 0.005).map { $0 }
        let change = alphas.map { model.crossEntropyChange(alpha: $0) }
        let fit = try StrengthLaws.quadratic(alphas: alphas, deltaCE: change, window: 0.05)
        let curvature = model.crossEntropyCurvature()
        #expect(abs(fit.quadratic - curvature) < 0.05 * curvature, "\(fit.quadratic) vs \(curvature)")
        #expect(fit.linear_share < 0.05 && fit.r_squared > 0.99)
        let tilted = try StrengthLaws.quadratic(alphas: alphas, deltaCE: zip(alphas, change).map { $1 + 0.05 * $0 }, window: 0.05)
        #expect(abs(tilted.linear - 0.05) < 1e-4 && tilted.linear_share > 0.3)
        #expect(throws: DecayFit.FitError.tooFewPoints(needed: 3, got: 1)) {
            try StrengthLaws.quadratic(alphas: [0, 1, 2], deltaCE: [0, 1, 4], window: 0.5)
        }
    }
}
