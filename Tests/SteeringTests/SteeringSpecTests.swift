import Foundation
import Steering
import Testing
import TestSupport

/// JSON steering specs (`--steer FILE.json`) become entries at unit strength with the method's strength beside them,
/// every golden configuration's params read as they are, and a spec written from entries reads back to the same.
@Suite("JSON steering specs")
struct SteeringSpecTests {
    typealias F = SpecFixtures

    @Test func additiveIsOneAddAtStrengthS() throws {
        let entry = try #require(try F.parse(F.entries["additive"]!).entries.first)
        #expect(entry.id == "add")
        #expect(entry.steering == SteeringEntry(name: "spec.json entry 0 (id add)", method: .additive, strength: 4,
                                                interventions: [.add(block: 2, site: .residPost, vector: F.v.map(Float.init))]))
    }

    @Test func sphericalGatedKeepsItsGateAndUngatedTurnsByAlpha() throws {
        let spec = try F.parse([F.entries["spherical"]!, F.entries["ungated"]!])
        let mu = F.mu.map(Float.init)
        #expect(spec.steeringEntries[0].strength == 0.6 && spec.steeringEntries[0].method == .spherical)
        #expect(spec.steeringEntries[0].interventions == [.rotate(block: 1, rotation: SphericalRotation(mu: mu, kappa: 20, alpha: 1, beta: -0.05))])
        #expect(spec.steeringEntries[1].name == "spec.json entry 1 (id slerp)")
        guard case .rotate(3, let rotation) = try #require(spec.steeringEntries[1].applied.first) else {
            Issue.record("expected a rotation of block 3"); return
        }
        #expect(!rotation.isGated && rotation.ungatedT == 0.5)
    }

    @Test func austeerGroupsUnitsByBlockInListedOrder() throws {
        let entry = try #require(try F.parse(F.entries["austeer"]!).entries.first)
        #expect(entry.selectedUnitCount == 3 && entry.steering.strength == 20)
        #expect(entry.steering.interventions == [
            .scaleUnits(block: 1, site: .mlpOut, units: [.init(index: 2, coefficient: -0.5)], alpha: 1),
            .scaleUnits(block: 3, site: .mlpOut, units: [.init(index: 5, coefficient: 0.75), .init(index: 0, coefficient: 1)], alpha: 1),
        ])
    }

    @Test func itiFoldsSigmaIntoTheHeadsSlice() throws {
        let entry = try #require(try F.parse(F.entries["iti"]!).steeringEntries.first)
        #expect(entry.strength == 8 && entry.method == .iti)
        #expect(entry.interventions == [.add(block: 2, site: .headsConcat, vector: [0, 0, 0, 0, 1, 1, 1, 1])])
    }

    @Test func positionsParseLikeTheOption() throws {
        var object = F.entries["additive"]!
        object["positions"] = "from:prompt-end"
        #expect(try F.parse(object).steeringEntries[0].positions == .fromPromptEnd)
        #expect(try F.parse(F.entries["additive"]!).steeringEntries[0].positions == nil)
    }

    /// Every configuration of steering-reference.json, its params plus its method, reads as it is (source, note,
    /// positions, t and null gate keys included) into what the reference computes.
    @Test func everyGoldenConfigurationReads() throws {
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: GoldenFile.path(SteeringReference.fileName))))
        let configs = try #require((golden as? [String: Any])?["configs"] as? [[String: Any]])
        let model = ModelIdentity(name: "smollm2", architecture: "llama", width: 576, blockCount: 30,
                                  fingerprint: String(repeating: "0", count: 64), headCount: 9, headDimension: 64)
        for config in configs {
            var params = try #require(config["params"] as? [String: Any])
            params["method"] = config["method"]
            let entry = try SteeringSpec(data: F.text(params), file: "golden.json", model: model).steeringEntries[0]
            let reference = try SteeringReference.config(config["id"] as! String).params
            #expect(entry.positions == .all)
            switch entry.method {
            case .additive:
                #expect(entry.strength == reference.s && entry.interventions == [.add(block: 12, site: .residPost, vector: reference.v!)])
            case .spherical:
                #expect(entry.strength == reference.alpha && entry.blocks == [reference.layer!])
            case .austeer:
                #expect(entry.strength == reference.alpha && entry.interventions.flatMap(scaledUnits).count == reference.units!.count)
            case .iti:
                #expect(entry.strength == reference.alpha && entry.blocks == [12])
                guard case .add(_, .headsConcat, let vector) = entry.interventions[0] else { Issue.record("ITI is an add at heads_concat"); continue }
                for head in reference.heads! {
                    #expect(Array(vector[head.head * 64..<(head.head + 1) * 64]) == head.theta.map { head.sigma * $0 })
                }
                #expect(vector.filter { $0 != 0 }.count == 3 * 64)
            }
        }
    }

    func scaledUnits(_ intervention: Intervention) -> [Intervention.Unit] {
        if case .scaleUnits(_, _, let units, _) = intervention { return units }
        return []
    }

    /// A list composes; two rotations of one block across entries are an error naming both.
    @Test func aListComposesAndTwoRotationsOfABlockAreAnError() throws {
        let both = try F.parse([F.entries["additive"]!, F.entries["spherical"]!, F.entries["austeer"]!, F.entries["iti"]!])
        let steering = try SequenceSteering.compose(both.steeringEntries, span: SequenceSpan(promptLength: 3))
        #expect(Set(steering.edits.keys.map(\.block)) == [1, 2, 3])
        var again = F.entries["ungated"]!
        again["layer"] = 1
        again["id"] = "again"
        let twice = try F.parse([F.entries["spherical"]!, again])
        #expect(throws: SteeringError.badArgument("spec.json entry 1 (id again) and spec.json entry 0 (id rot) both rotate resid_post of block 1; a block takes one Spherical rotation")) {
            try SequenceSteering.compose(twice.steeringEntries, span: SequenceSpan(promptLength: 3))
        }
    }

    /// Entries -> spec text -> entries is the identity, for every method (ITI's sigma folded into theta).
    @Test func writtenSpecsReadBackToTheSameEntries() throws {
        var positioned = F.entries["spherical"]!
        positioned["positions"] = "from:prompt-end"
        let entries = try F.parse([F.entries["additive"]!, positioned, F.entries["ungated"]!, F.entries["austeer"]!,
                                   F.entries["iti"]!]).steeringEntries
        let text = try SteeringSpec.json(for: entries, model: F.model, source: "test")
        let back = try F.parse(text: text).steeringEntries
        #expect(back.count == entries.count)
        for (a, b) in zip(entries, back) {
            #expect(a.method == b.method && a.strength == b.strength && a.positions == b.positions && a.interventions == b.interventions)
        }
    }
}
