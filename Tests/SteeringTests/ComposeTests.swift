import Foundation
import Steering
import Testing

/// How entries (files, JSON spec entries) compose into one sequence's edits: sums, merges, conflicts, positions.
@Suite("Composing steering entries")
struct ComposeTests {
    static let span = SequenceSpan(promptLength: 4)
    static func unit(_ i: Int, width: Int = 4) -> [Float] { (0..<width).map { $0 == i ? 1 : 0 } }

    static func add(_ name: String, block: Int, _ vector: [Float], strength: Float = 1, positions: PositionPolicy? = nil) -> SteeringEntry {
        SteeringEntry(name: name, method: .additive, positions: positions, strength: strength,
                      interventions: [.add(block: block, site: .residPost, vector: vector)])
    }

    static func units(_ name: String, block: Int, _ units: [(UInt32, Float)], alpha: Float) -> SteeringEntry {
        SteeringEntry(name: name, method: .austeer, strength: alpha, interventions: [
            .scaleUnits(block: block, site: .mlpOut, units: units.map { Intervention.Unit(index: $0.0, coefficient: $0.1) }, alpha: 1)])
    }

    static func rotate(_ name: String, block: Int, alpha: Float = 0.5) -> SteeringEntry {
        SteeringEntry(name: name, method: .spherical, strength: alpha, interventions: [
            .rotate(block: block, rotation: SphericalRotation(mu: unit(0), kappa: 20, alpha: 1, beta: -0.05))])
    }

    @Test func addsAtOneSiteSumWithTheirStrengths() throws {
        let steering = try SequenceSteering.compose([Self.add("a", block: 3, [1, 2, 0, 0], strength: 2),
                                                     Self.add("b", block: 3, [0, 1, 0, 1], strength: -1)], span: Self.span)
        #expect(steering.edits == [SiteKey(block: 3, site: .residPost): SiteEdit(add: [2, 3, 0, -1])])
    }

    @Test func strengthZeroAndEmptyUnitListsChangeNothing() throws {
        let steering = try SequenceSteering.compose([
            Self.add("a", block: 3, [1, 2, 0, 0], strength: 0), Self.units("u", block: 2, [], alpha: 5),
            Self.units("v", block: 2, [(1, 0.7)], alpha: 0), Self.rotate("r", block: 1, alpha: 0)], span: Self.span)
        #expect(steering.isEmpty)
    }

    @Test func unitScalingsOfOneStrengthKeepItAndOfTwoFoldIt() throws {
        let same = try SequenceSteering.compose([Self.units("u", block: 2, [(1, 0.5)], alpha: 4),
                                                 Self.units("v", block: 2, [(3, -0.75)], alpha: 4)], span: Self.span)
        let edit = try #require(same.edits[SiteKey(block: 2, site: .mlpOut)])
        #expect(edit.unitAlpha == 4 && edit.units.map(\.index) == [1, 3] && edit.units.map(\.coefficient) == [0.5, -0.75])
        let mixed = try SequenceSteering.compose([Self.units("u", block: 2, [(1, 0.5)], alpha: 4),
                                                  Self.units("v", block: 2, [(3, -0.75)], alpha: 2)], span: Self.span)
        let folded = try #require(mixed.edits[SiteKey(block: 2, site: .mlpOut)])
        #expect(folded.unitAlpha == 1 && folded.units.map(\.coefficient) == [2, -1.5])
    }

    @Test func twoScalingsOfOneUnitAreAnErrorNamingBoth() {
        #expect(throws: SteeringError.badArgument("v and u both scale unit 1 of mlp_out at block 2; a unit can be scaled once")) {
            try SequenceSteering.compose([Self.units("u", block: 2, [(1, 0.5)], alpha: 4),
                                          Self.units("v", block: 2, [(1, 0.6)], alpha: 4)], span: Self.span)
        }
    }

    @Test func twoRotationsOfOneBlockAreAnErrorNamingBoth() throws {
        #expect(throws: SteeringError.badArgument("second and first both rotate resid_post of block 5; a block takes one Spherical rotation")) {
            try SequenceSteering.compose([Self.rotate("first", block: 5), Self.rotate("second", block: 5)], span: Self.span)
        }
        // Rotations of different blocks, and a rotation with an add and a scaling on its block, compose.
        let steering = try SequenceSteering.compose([Self.rotate("first", block: 5), Self.rotate("second", block: 6),
                                                     Self.add("a", block: 5, [0, 0, 1, 0])], span: Self.span)
        let edit = try #require(steering.edits[SiteKey(block: 5, site: .residPost)])
        #expect(edit.add == [0, 0, 1, 0] && edit.rotation?.alpha == 0.5 && steering.edits.count == 2)
    }

    @Test func aRotationWithABadPrototypeIsAnError() {
        let bad = SteeringEntry(name: "r", method: .spherical, interventions: [
            .rotate(block: 1, rotation: SphericalRotation(mu: [2, 0, 0, 0], kappa: 20, alpha: 1, beta: 0))])
        #expect(throws: SteeringError.badArgument("r: Spherical rotation at block 1: mu has norm 2.0, expected a unit vector (within 1e-3)")) {
            try SequenceSteering.compose([bad], span: Self.span)
        }
    }

    @Test func layersKeepOnlyTheirBlocks() throws {
        let steering = try SequenceSteering.compose([Self.add("a", block: 3, [1, 0, 0, 0]), Self.rotate("r", block: 7)],
                                                    layers: LayerSelection(range: 5...9), span: Self.span)
        #expect(steering.edits.keys.map(\.block) == [7])
    }

    @Test func positionsComeFromTheOptionThenTheEntriesThenAll() throws {
        let a = Self.add("a", block: 1, [1, 0, 0, 0], positions: .fromPromptEnd)
        let b = Self.add("b", block: 2, [1, 0, 0, 0])
        let c = Self.add("c", block: 3, [1, 0, 0, 0], positions: .fromAnswerStart)
        #expect(try SequenceSteering.compose([b], span: Self.span).positions == .all)
        #expect(try SequenceSteering.compose([a, b], span: Self.span).positions == .fromPromptEnd)
        #expect(try SequenceSteering.compose([a, c], positions: .last, span: Self.span).positions == .last)
        #expect(throws: SteeringError.badArgument("a steers positions from:prompt-end but c steers from:answer-start; one sequence steers one set of positions: give --positions to choose, or make the entries agree")) {
            try SequenceSteering.compose([a, b, c], span: Self.span)
        }
    }

    /// The ungated ablation as a gated rotation (kappa 0, beta -1, alpha 2t): the gate formula gives t exactly.
    @Test(arguments: [Float(0), 0.1, 0.25, 0.5, 0.7, 0.999, 1])
    func ungatedRotationGivesExactlyT(_ t: Float) {
        let rotation = SphericalRotation.ungated(mu: Self.unit(0), t: t)
        let delta = -tanh(rotation.kappa * 0.3)
        let gateT = min(1, max(0, rotation.alpha * (delta - rotation.beta) / (1 - rotation.beta)))
        #expect(gateT == t && !rotation.isGated && rotation.ungatedT == t)
        #expect(rotation.scaled(by: 2).ungatedT == 2 * t)
    }

    @Test func fileStrengthsMultiplyTheMethodsStrength() throws {
        let entry = Self.rotate("r", block: 1, alpha: 0.6).scaled(by: 0.5)
        guard case .rotate(_, let rotation) = try #require(entry.applied.first) else { Issue.record("not a rotation"); return }
        #expect(rotation.alpha == 0.3 && rotation.kappa == 20 && rotation.beta == -0.05)
    }
}
