import Foundation
import Testing
import TestSupport

/// Steering or weights that break the forward pass: the run fails with exit status != 0 and a message that names
/// the steering (file, strength) and the first block that went wrong, and no answer is printed. Before, 1e30 printed
/// nothing and reported `stop: eog` with exit 0, 1e20 sampled junk, and a damaged weight said only "the logits hold
/// NaN or infinity".
@Suite("veer: degenerate forward passes", .enabled(if: GenerateGoldenCLITests.enabled))
struct DegenerateCLITests {
    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func expectSteeringFailure(_ result: VeerProcess, strength: String) throws {
        let happy = try Self.happy
        #expect(result.status != 0, "stdout: \(result.stdout)")
        #expect(result.stderr.contains("steering \(happy) at strength \(strength) broke the forward pass at block 1: "
                                       + "its resid_post is too large for float32 RMSNorm"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("the logits are degenerate (every value is 0.0). Lower the strength."),
                "stderr: \(result.stderr)")
    }

    /// Greedy at 1e30 (every logit was exactly 0) and sampled at 1e20 (junk was sampled).
    @Test(arguments: [("1e30", "1e+30", "0"), ("1e20", "1e+20", "0.8")])
    func overflowingSteeringFailsAndNamesIt(strength: String, printed: String, temperature: String) throws {
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", temperature, "--seed", "3",
                                          "--max-tokens", "4", "--steer", "\(Self.happy):\(strength)", "Hello"])
        try expectSteeringFailure(result, strength: printed)
        #expect(result.stdout.isEmpty, "an answer was printed: \(result.stdout)")
        #expect(!result.stderr.contains("stop:"))
    }

    @Test func logitsAndChatFailToo() throws {
        let logits = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", "\(Self.happy):1e30", "Hello"])
        try expectSteeringFailure(logits, strength: "1e+30")
        #expect(logits.stdout.isEmpty, "logits were printed: \(logits.stdout)")
        let chat = try VeerProcess.run(["chat", "--backend", "cpu", "--temperature", "0", "--max-tokens", "4",
                                        "--steer", "\(Self.happy):1e30"], input: "Hi\n")
        try expectSteeringFailure(chat, strength: "1e+30")
    }

    /// llama.cpp's files carry no residual norms: the prompt's own (unsteered) residual norms are the yardstick.
    @Test func strengthFarAboveTheResidualNormWarns() throws {
        let happy = try Self.happy
        let strong = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--max-tokens", "2",
                                          "--steer", "\(Self.happy):1e4", "Hello"])
        #expect(strong.status == 0, "stderr: \(strong.stderr)")
        #expect(strong.stderr.contains("warning: \(happy) at strength 10000.0 adds a vector of norm 1e+04 at block"),
                "stderr: \(strong.stderr)")
        #expect(strong.stderr.contains("× the residual norm there") && strong.stderr.contains("measured on this prompt"),
                "stderr: \(strong.stderr)")
        let usual = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--max-tokens", "2",
                                         "--steer", "\(Self.happy):4", "Hello"])
        #expect(usual.status == 0 && !usual.stderr.contains("residual norm"), "stderr: \(usual.stderr)")
    }

    /// A vector from `veer extract` records its residual norms (`veer.layer_norms`); the warning uses them.
    @Test func strengthIsJudgedByTheFilesLayerNorms() throws {
        let directory = scratch.url
        let pairs = directory.appending(path: "pairs.jsonl"), vector = directory.appending(path: "v.gguf").path
        try Data(#"""
            {"positive": "I love this sunny day.", "negative": "I hate this rainy day."}
            {"positive": "What a wonderful gift!", "negative": "What a dreadful mess."}
            """#.utf8).write(to: pairs)
        let extract = try VeerProcess.run(["extract", "--backend", "cpu", "--pairs", pairs.path, "--layers", "3-4",
                                           "--out", vector])
        #expect(extract.status == 0, "stderr: \(extract.stderr)")
        let strong = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", "\(vector):1e6", "Hello"])
        #expect(strong.status == 0, "stderr: \(strong.stderr)")
        #expect(strong.stderr.contains("warning: \(vector) at strength 1000000.0 adds a vector of norm")
                && strong.stderr.contains("the file's veer.layer_norms); 2 blocks over 10×"), "stderr: \(strong.stderr)")
    }

    /// blk.5.ffn_down.weight's type field flipped from Q4_1 to Q4_0: the data still fits (18 of 20 bytes a block)
    /// but decodes to garbage, including NaN scales.
    @Test func damagedWeightIsNamed() throws {
        let directory = scratch.url
        let model = directory.appending(path: "flipped.gguf")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: try #require(ModelFixture.path)))
        try Self.setTensorType(of: "blk.5.ffn_down.weight", in: &bytes, from: 3, to: 2)
        try bytes.write(to: model)
        let texts = directory.appending(path: "texts.txt"), pairs = directory.appending(path: "pairs.jsonl")
        try Data("Hello there\nA second text\n".utf8).write(to: texts)
        try Data(#"{"positive": "I love it.", "negative": "I hate it."}"#.utf8).write(to: pairs)
        let out = directory.appending(path: "out").path
        let commands = [
            ["generate", "--temperature", "0", "--max-tokens", "4", "Hello"], ["logits", "Hello"],
            ["capture", "--texts", texts.path, "--site", "resid_post", "--layers", "6-7", "--reduce", "last",
             "--out", out + ".safetensors"],
            ["extract", "--pairs", pairs.path, "--layers", "6-7", "--out", out + ".gguf"],
        ]
        for command in commands {
            let result = try VeerProcess.run(command + ["--backend", "cpu", "--model", model.path])
            #expect(result.status != 0 && result.stdout.isEmpty, "\(command[0]) stdout: \(result.stdout)")
            #expect(result.stderr.contains("the forward pass broke down at block 5: its mlp_out holds")
                    && result.stderr.contains("(computed by blk.5.ffn_down.weight)")
                    && result.stderr.contains("The model file's weights may be damaged."), "\(command[0]) stderr: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + ".safetensors") && !FileManager.default.fileExists(atPath: out + ".gguf"))
    }

    /// Rewrites a tensor's GGUF type field: after its name (u64 length, bytes) come n_dims (u32), the dims (u64
    /// each) and the type (u32).
    static func setTensorType(of name: String, in bytes: inout Data, from old: UInt32, to new: UInt32) throws {
        var key = withUnsafeBytes(of: UInt64(name.utf8.count).littleEndian) { Data($0) }
        key.append(Data(name.utf8))
        let found = try #require(bytes.range(of: key), "tensor \(name) not in the file")
        let dims = bytes[found.upperBound..<found.upperBound + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        let typeOffset = found.upperBound + 4 + 8 * Int(dims)
        let type = bytes[typeOffset..<typeOffset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        #expect(type == old, "\(name) has type \(type), expected \(old)")
        bytes.replaceSubrange(typeOffset..<typeOffset + 4, with: withUnsafeBytes(of: new.littleEndian) { Data($0) })
    }
}
