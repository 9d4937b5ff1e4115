import Foundation
import Serving
import Steering
import Testing

/// A request's `steering` field against the standard directory (happy, sad, sphere, joy; see `RegistryFixtures`):
/// what each item applies, how items compose, and the error field of each bad item.
@Suite("Vector registry resolving requests")
struct VectorRegistryResolveTests {
    typealias F = RegistryFixtures
    let directory: RegistryDirectory
    let registry: VectorRegistry

    init() throws {
        directory = try F.standard()
        registry = try VectorRegistry(directory: directory.path, defaults: [ScaledVectorPath(path: directory.path("sad.gguf"), strength: 2)],
                                      model: F.model)
    }

    func resolve(_ items: [SteeringItem]?, promptLength: Int = 10, answerStart: Int? = nil) throws -> ResolvedSteering {
        try registry.resolve(items, promptLength: promptLength, answerStart: answerStart)
    }

    func vector(_ name: String, _ strength: Float? = nil, layers: String? = nil, positions: String? = nil) -> SteeringItem {
        .vector(name: name, strength: strength, layers: layers, positions: positions)
    }

    /// The error `items` give (nil when they resolve).
    func failure(_ items: [SteeringItem]) -> SteeringRequestError? {
        do { _ = try registry.resolve(items, promptLength: 10, answerStart: nil); return nil } catch { return error }
    }

    func add(_ steering: ResolvedSteering, block: Int) -> [Float]? { steering.sequence?.edits[SiteKey(block: block, site: .residPost)]?.add }

    func scaled(_ values: [Float], _ factor: Float) -> [Float] { values.map { $0 * factor } }

    @Test func absentSteeringGetsTheDefaultAndAnEmptyListNone() throws {
        let defaulted = try resolve(nil, promptLength: 7, answerStart: 5)
        #expect(defaulted.applied == [AppliedSteering(name: "sad", method: "additive", strength: 2, blocks: [2], positions: "all")])
        #expect(defaulted.applied == registry.defaults)
        #expect(defaulted.sequence?.edits.keys.map(\.block) == [2])
        #expect(add(defaulted, block: 2) == scaled(F.direction(block: 2), 2))
        #expect(defaulted.sequence?.span == SequenceSpan(promptLength: 7, answerStart: 5))
        #expect(try resolve([]) == ResolvedSteering(sequence: nil, applied: []))
    }

    @Test func aVectorsStrengthMultipliesItsOwn() throws {
        let resolved = try resolve([vector("happy", 0.25)])
        // happy.gguf records veer.strength 2: applied at 2 × 0.25.
        #expect(resolved.applied == [AppliedSteering(name: "happy", method: "additive", strength: 0.5, blocks: [1, 2, 3], positions: "all")])
        for block in [1, 2, 3] { #expect(add(resolved, block: block) == scaled(F.direction(block: block), 0.5)) }
        #expect(try resolve([vector("happy")]).applied[0].strength == 2)
    }

    @Test func layersKeepOnlyThatItemsSelectedBlocks() throws {
        let resolved = try resolve([vector("happy", layers: "2-3"), vector("sad", layers: "1")])
        #expect(resolved.applied.map(\.blocks) == [[2, 3], []])
        #expect(Set(resolved.sequence!.edits.keys) == [SiteKey(block: 2, site: .residPost), SiteKey(block: 3, site: .residPost)])
        // Block 2 carries happy's direction alone: sad's block 2 was not selected.
        #expect(add(resolved, block: 2) == scaled(F.direction(block: 2), 2))
        #expect(try resolve([vector("happy", layers: "1,3")]).applied[0].blocks == [1, 3])
        // A range may end at the block count (6), as llama.cpp's.
        #expect(try resolve([vector("happy", layers: "3-6")]).applied[0].blocks == [3])
    }

    @Test func twoItemsSumTheirAddsOnASharedBlock() throws {
        let resolved = try resolve([vector("happy", 1), vector("sad", -0.5), vector("joy", 2)])
        #expect(resolved.applied == [
            AppliedSteering(name: "happy", method: "additive", strength: 2, blocks: [1, 2, 3], positions: "all"),
            AppliedSteering(name: "sad", method: "additive", strength: -0.5, blocks: [2], positions: "all"),
            AppliedSteering(name: "joy", method: "additive", strength: 6, blocks: [4], positions: "all"),
        ])
        let direction = F.direction(block: 2)
        #expect(add(resolved, block: 2) == direction.indices.map { direction[$0] * 2 + direction[$0] * -0.5 })
        #expect(add(resolved, block: 4) == scaled([0.5, -1, 0.25, 2], 6))
    }

    @Test func positionsApplyToTheSequenceAndMustAgree() throws {
        let generated = try resolve([vector("happy", positions: "generated"), vector("sad")])
        #expect(generated.sequence?.positions == .generated)
        #expect(generated.applied.map(\.positions) == ["generated", "generated"])
        // sphere.gguf states from:prompt-end; items that state none follow it.
        let sphere = try resolve([vector("happy"), vector("sphere")])
        #expect(sphere.sequence?.positions == .fromPromptEnd)
        #expect(sphere.applied.map(\.positions) == ["from:prompt-end", "from:prompt-end"])
        #expect(try resolve([vector("sphere", positions: "all")]).sequence?.positions == .all)

        let error = failure([vector("happy", positions: "generated"), vector("sad", positions: "prompt")])
        #expect(error?.field == "steering")
        #expect(error?.message.hasPrefix("steering[0] (happy) steers positions generated but steering[1] (sad) steers prompt") == true)
    }

    @Test func strengthZeroOrNoSelectedBlockIsReportedButSteersNothing() throws {
        let zero = try resolve([vector("happy", 0)])
        #expect(zero == ResolvedSteering(sequence: nil, applied: [
            AppliedSteering(name: "happy", method: "additive", strength: 0, blocks: [], positions: "all")]))
        #expect(try resolve([vector("sad", layers: "4-5")]).sequence == nil)
        // An item that changes nothing takes no part in the positions' agreement.
        let resolved = try resolve([vector("sphere", 0), vector("happy", positions: "generated")])
        #expect(resolved.sequence?.positions == .generated)
        #expect(resolved.applied.map(\.positions) == ["from:prompt-end", "generated"])
    }

    @Test func inlineSpecsApplyTheirEntriesAsSpec() throws {
        let spec = try F.json([F.specEntry(layer: 3, s: 2), F.specEntry(layer: 5, s: 0.5)])
        let resolved = try resolve([.spec(json: spec), vector("sad")])
        #expect(resolved.applied == [
            AppliedSteering(name: "spec", method: "additive", strength: 2, blocks: [3], positions: "all"),
            AppliedSteering(name: "spec", method: "additive", strength: 0.5, blocks: [5], positions: "all"),
            AppliedSteering(name: "sad", method: "additive", strength: 1, blocks: [2], positions: "all"),
        ])
        #expect(add(resolved, block: 3) == scaled([0.5, -1, 0.25, 2], 2))
        var lastOnly = F.specEntry(layer: 1, s: 1)
        lastOnly["positions"] = "last"
        #expect(try resolve([.spec(json: F.json(lastOnly))]).sequence?.positions == .last)
    }

    @Test func twoRotationsOfOneBlockAreAnErrorForSteering() throws {
        let error = failure([vector("sphere"), vector("sphere", 2)])
        #expect(error?.field == "steering")
        #expect(error?.message == "steering[1] (sphere) and steering[0] (sphere) both rotate resid_post of block 2; a block takes one Spherical rotation")
        // Entries are named by item, never by the server's file path.
        #expect(error?.message.contains(directory.path) == false)
    }

    @Test func eachBadItemNamesItsField() throws {
        let unknown = failure([vector("happy"), vector("angry")])
        #expect(unknown == SteeringRequestError(field: "steering[1].vector", message: "no vector named 'angry'; registered: happy, joy, sad, sphere"))
        for strength in [Float.nan, .infinity, -.infinity] {
            #expect(failure([vector("happy", strength)])?.field == "steering[0].strength")
        }
        // Finite, but times happy's own strength 2 it overflows f32.
        let overflow = failure([vector("happy", 3e38)])
        #expect(overflow?.field == "steering[0].strength" && overflow?.message.contains("too large") == true)
        #expect(failure([vector("happy", layers: "five")])
                == SteeringRequestError(field: "steering[0].layers", message: "'five' is not a block selection: expected an inclusive range A-B (e.g. 5-15) or a list of blocks (e.g. 3,7,9), block indices >= 0"))
        #expect(failure([vector("happy", layers: "2-9")])
                == SteeringRequestError(field: "steering[0].layers", message: "'2-9' selects blocks the model lacks: it has blocks 0...5 (a range may end at 6)"))
        #expect(failure([vector("happy", layers: "6")])?.field == "steering[0].layers")
        #expect(failure([vector("happy", positions: "sometimes")])
                == SteeringRequestError(field: "steering[0].positions", message: "'sometimes' is not a position policy: expected \(PositionPolicy.forms)"))
        let badSpec = failure([vector("sad"), .spec(json: try F.json(F.specEntry(layer: 1, s: 1, v: [1])))])
        #expect(badSpec?.field == "steering[1].spec")
        #expect(badSpec?.message.hasPrefix("steering[1].spec entry 0: key \"v\"") == true)
        let notJSON = failure([.spec(json: Data("{".utf8))])
        #expect(notJSON?.field == "steering[0].spec" && notJSON?.message.hasPrefix("steering[0].spec: not valid JSON") == true)
        let hugeSpec = failure([.spec(json: try F.json(F.specEntry(layer: 1, s: 3e38, v: [4, 0, 0, 0])))])
        #expect(hugeSpec?.field == "steering[0].spec")
    }

    @Test func withNothingRegisteredAnUnknownNameSaysSo() throws {
        let empty = try VectorRegistry(directory: nil, defaults: [], model: F.model)
        #expect(throws: SteeringRequestError(field: "steering[0].vector",
                                             message: "no vector named 'happy'; no vectors are registered (the server's --vectors DIR)")) {
            try empty.resolve([.vector(name: "happy", strength: nil, layers: nil, positions: nil)], promptLength: 3, answerStart: nil)
        }
    }
}
