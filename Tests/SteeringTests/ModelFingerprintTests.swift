import Foundation
import GGUF
import TestSupport
import Testing
@testable import Steering

/// The fingerprint covers architecture, hyperparameters, tensor names and shapes, vocabulary and pre-tokenizer, and
/// nothing else (docs/vector-format.md).
@Suite("Model fingerprint")
struct ModelFingerprintTests {
    /// The value for SmolLM2-135M-Instruct Q4_1, also computed by tools/model-fingerprint.py from the documented layout.
    static let defaultModelFingerprint = "2572b027ee18aa7b6a497af70000b985454575b55ba40131acdef6fd8b5acebe"

    /// What a tiny model's file may vary in; the defaults make the reference model.
    struct TinyModel {
        var blockCount: GGUFValue = .uint32(2)
        var ropeBase: GGUFValue = .float32(10000)
        var tokens = ["<s>", "a", "b", "ab"]
        var pre: String? = "smollm"
        var name = "tiny"
        var embeddingShape = [8, 4]
        var dataSeed: Float = 0
        var reversedTensorOrder = false

        func image() throws -> [UInt8] {
            var writer = GGUFWriter()
            writer.set("general.architecture", .string("llama"))
            writer.set("general.name", .string(name))
            writer.set("general.file_type", .uint32(dataSeed == 0 ? 0 : 3))
            writer.set("llama.block_count", blockCount)
            writer.set("llama.embedding_length", .uint32(8))
            writer.set("llama.rope.freq_base", ropeBase)
            writer.set("llama.attention.layer_norm_rms_epsilon", .float64(1e-5))
            writer.set("llama.use_parallel_residual", .bool(false))
            writer.set("llama.rope.scaling.type", .string("none"))
            writer.set("llama.big_count", .uint64(UInt64.max))
            writer.set("llama.head_counts", .array(.int32([2, 2])))
            writer.set("llama.labels", .array(.string(["x", "yz"])))
            writer.set("tokenizer.ggml.tokens", .array(.string(tokens)))
            if let pre { writer.set("tokenizer.ggml.pre", .string(pre)) }
            writer.set("tokenizer.ggml.merges", .array(.string(["a b"])))
            var tensors: [(String, [Int])] = [("token_embd.weight", embeddingShape), ("blk.0.attn_norm.weight", [8]),
                                              ("blk.1.attn_norm.weight", [8]), ("output_norm.weight", [8])]
            if reversedTensorOrder { tensors.reverse() }
            for (name, shape) in tensors {
                let count = shape.reduce(1, *)
                try writer.addTensor(name: name, shape: shape, values: (0..<count).map { Float($0) * 0.5 + dataSeed })
            }
            return try writer.serialize()
        }

        func fingerprint() throws -> String {
            try ModelFingerprint.compute(GGUFFile(bytes: image(), name: "tiny.gguf"))
        }
    }

    @Test func isSixtyFourLowercaseHexDigits() throws {
        let value = try TinyModel().fingerprint()
        #expect(ModelFingerprint.isWellFormed(value))
        #expect(!ModelFingerprint.isWellFormed(value.uppercased()) && !ModelFingerprint.isWellFormed(String(value.dropLast())))
    }

    /// Tensor data, tensor types, tensor order and general.* metadata are not part of the identity.
    @Test func requantizedOrRenamedModelKeepsItsFingerprint() throws {
        let reference = try TinyModel().fingerprint()
        var other = TinyModel()
        other.dataSeed = 1.25
        other.name = "tiny, re-exported"
        other.reversedTensorOrder = true
        #expect(try other.fingerprint() == reference)
        // A different tensor type (F16 in place of F32) is what re-quantizing changes.
        let halfImage = try VectorTestFiles.settingTensorType(TinyModel().image(), tensor: "blk.0.attn_norm.weight", to: 1)
        let half = try GGUFFile(bytes: halfImage, name: "half.gguf")
        #expect(try half.tensor(named: "blk.0.attn_norm.weight").dtype == .f16)
        #expect(try ModelFingerprint.compute(half) == reference)
        // Converters disagree on integer and float widths; the value is what counts.
        var widened = TinyModel()
        widened.blockCount = .int64(2)
        widened.ropeBase = .float64(10000)
        #expect(try widened.fingerprint() == reference)
    }

    @Test func anyIdentifyingChangeChangesIt() throws {
        let reference = try TinyModel().fingerprint()
        var changes: [TinyModel] = []
        var m = TinyModel(); m.blockCount = .uint32(3); changes.append(m)
        m = TinyModel(); m.ropeBase = .float32(10000.5); changes.append(m)
        m = TinyModel(); m.tokens[2] = "c"; changes.append(m)
        m = TinyModel(); m.tokens.append("abc"); changes.append(m)
        m = TinyModel(); m.pre = "llama-bpe"; changes.append(m)
        m = TinyModel(); m.pre = nil; changes.append(m)
        m = TinyModel(); m.embeddingShape = [4, 8]; changes.append(m)
        let values = try changes.map { try $0.fingerprint() }
        #expect(values.allSatisfy { $0 != reference })
        #expect(Set(values).count == values.count)
    }

    @Test(.enabled(if: ModelFixture.path != nil))
    func defaultModelHasItsPinnedFingerprint() throws {
        let file = try GGUFFile(path: ModelFixture.path!)
        #expect(try ModelFingerprint.compute(file) == Self.defaultModelFingerprint)
        let identity = try ModelIdentity(file: file)
        #expect(identity.architecture == "llama" && identity.width == 576 && identity.blockCount == 30)
        #expect(identity.fingerprint == Self.defaultModelFingerprint)
        // The golden llama.cpp vector fits the model it was made with.
        let golden = try SteeringVector.load(path: VectorTestFiles.goldenMeanVector)
        #expect(try golden.check(against: identity, strict: false).isEmpty)
    }

    @Test func modelWithoutArchitectureIsAnError() throws {
        var writer = GGUFWriter()
        writer.set("llama.block_count", .uint32(2))
        let file = try GGUFFile(bytes: try writer.serialize(), name: "bare.gguf")
        #expect(throws: GGUFError(file: "bare.gguf", .missingKey("general.architecture"))) { try ModelFingerprint.compute(file) }
    }
}
