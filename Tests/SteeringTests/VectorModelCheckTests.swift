import GGUF
import TestSupport
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
        expectVectorError("v.gguf", .modelWidth(vectorWidth: 5, modelWidth: 4, model: "model.gguf", site: "resid_post",
                                                derivation: "resid_post is embedding_length wide")) {
            _ = try vector(width: 5).check(against: Self.model, strict: false)
        }
    }

    /// ITI and attention AUSteer files are heads x head_dim wide, which need not be d_model.
    @Test func headsConcatFileIsCheckedAgainstHeadsTimesHeadDimension() throws {
        let iti = try MethodVectorFiles.iti()
        let model = MethodVectorFiles.model
        #expect(model.width != model.headsWidth)
        #expect(try iti.check(against: model, strict: false).isEmpty)
        var residual = try vector(width: model.headsWidth)
        residual.name = "v.gguf"
        expectVectorError("v.gguf", .modelWidth(vectorWidth: 6, modelWidth: 4, model: "tiny-model.gguf", site: "resid_post",
                                                derivation: "resid_post is embedding_length wide")) {
            _ = try residual.check(against: model, strict: false)
        }
        var wide = model
        wide.headCount = 2
        let error = SteeringVectorError.Kind.modelWidth(vectorWidth: 6, modelWidth: 4, model: "tiny-model.gguf", site: "heads_concat",
                                                         derivation: "heads_concat is head_count x head_dim = 2 x 2")
        expectVectorError("iti.gguf", error) { _ = try iti.check(against: wide, strict: false) }
        #expect(error.description.contains("heads_concat of the model tiny-model.gguf has width 4"))
    }

    /// On the default model heads x head_dim = 9 x 64 = 576 = d_model; an ITI-shaped file fits it.
    @Test(.enabled(if: ModelFixture.path != nil))
    func itiWidthFitsTheDefaultModel() throws {
        let model = try ModelIdentity(file: GGUFFile(path: ModelFixture.path!))
        #expect(model.headCount == 9 && model.headDimension == 64 && model.headsWidth == 576)
        let info = VectorInfo(site: .headsConcat, steeringMethod: .iti, strength: 15)
        let iti = try SteeringVector(directions: [5: [Float](repeating: 0.01, count: 576)], info: info, name: "iti.gguf")
        #expect(try iti.check(against: model, strict: false).isEmpty)
    }

    @Test func unitsTensorOfAnotherWidthThanItsSiteIsAnError() throws {
        var austeer = try MethodVectorFiles.austeer()
        austeer.info.site = .headsConcat
        expectVectorError("austeer.gguf", .modelWidth(vectorWidth: 4, modelWidth: 6, model: "tiny-model.gguf", site: "heads_concat",
                                                      derivation: "heads_concat is head_count x head_dim = 3 x 2")) {
            _ = try austeer.check(against: MethodVectorFiles.model, strict: false)
        }
    }

    @Test func mlpMidWidthIsTheFeedForwardLengthWhenTheModelStatesIt() throws {
        let mid = try SteeringVector(directions: [1: [0, 0, 0, 0, 0, 0, 0, 0]], info: VectorInfo(site: .mlpMid), name: "mid.gguf")
        expectVectorError("mid.gguf", .unknownSiteWidth(site: "mlp_mid", model: "model.gguf", missing: "llama.feed_forward_length")) {
            _ = try mid.check(against: Self.model, strict: false)
        }
        var model = Self.model
        model.feedForwardWidth = 8
        #expect(try mid.check(against: model, strict: false).isEmpty)
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
