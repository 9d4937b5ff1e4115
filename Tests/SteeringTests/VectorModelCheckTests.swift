import Testing
@testable import Steering

/// A vector against a model: errors for what cannot be applied, warnings for what only suggests another model.
@Suite("Vector against model")
struct VectorModelCheckTests {
    static let fingerprint = String(repeating: "ab", count: 32)
    static let model = ModelIdentity(name: "model.gguf", architecture: "llama", width: 4, blockCount: 3, fingerprint: fingerprint)

    func vector(blocks: [Int] = [1, 2], width: Int = 4, fingerprint: String? = nil, hint: String? = "llama") throws -> SteeringVector {
        try SteeringVector(directions: Dictionary(uniqueKeysWithValues: blocks.map { ($0, VectorTestFiles.direction(block: $0, width: width)) }),
                           info: VectorInfo(fingerprint: fingerprint, modelHint: hint), name: "v.gguf")
    }

    @Test func matchingVectorHasNoWarnings() throws {
        #expect(try vector(fingerprint: Self.fingerprint).check(against: Self.model, strict: true).isEmpty)
        #expect(try vector().check(against: Self.model, strict: false).isEmpty)
    }

    @Test func widthOtherThanTheModelsIsAnError() throws {
        expectVectorError("v.gguf", .modelWidth(vectorWidth: 5, modelWidth: 4, model: "model.gguf")) {
            _ = try vector(width: 5).check(against: Self.model, strict: false)
        }
    }

    @Test func directionForABlockTheModelLacksIsAnError() throws {
        expectVectorError("v.gguf", .blockOutOfRange(block: 3, blockCount: 3, model: "model.gguf")) {
            _ = try vector(blocks: [1, 3]).check(against: Self.model, strict: false)
        }
    }

    @Test func otherFingerprintWarnsUnlessStrict() throws {
        let other = String(repeating: "cd", count: 32)
        let warnings = try vector(fingerprint: other).check(against: Self.model, strict: false)
        #expect(warnings.count == 1 && warnings[0].contains(other) && warnings[0].contains(Self.fingerprint))
        expectVectorError("v.gguf", .fingerprintMismatch(vector: other, model: Self.fingerprint, modelFile: "model.gguf")) {
            _ = try vector(fingerprint: other).check(against: Self.model, strict: true)
        }
    }

    @Test func strictNeedsAFingerprint() throws {
        expectVectorError("v.gguf", .noFingerprint(model: "model.gguf")) { _ = try vector().check(against: Self.model, strict: true) }
    }

    @Test func modelHintOfAnotherArchitectureWarns() throws {
        let warnings = try vector(hint: "qwen2").check(against: Self.model, strict: false)
        #expect(warnings.count == 1 && warnings[0].contains("qwen2") && warnings[0].contains("v.gguf"))
        // A matching fingerprint settles it: the hint is only a hint.
        #expect(try vector(fingerprint: Self.fingerprint, hint: "qwen2").check(against: Self.model, strict: false).isEmpty)
    }
}
