import Foundation
import GGUF
import Testing

/// `veer vector add` says when its inputs look made for different models, and an overflowing sum blames the sum.
@Suite("veer vector add: provenance and overflow")
struct VectorProvenanceCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    /// A llama.cpp-layout vector (no fingerprint) for `hint` with one direction, every value `value`.
    func vector(_ name: String, hint: String, value: Float = 1) throws -> String {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("controlvector"))
        writer.set("controlvector.model_hint", .string(hint))
        writer.set("controlvector.layer_count", .int32(1))
        try writer.addTensor(name: "direction.1", shape: [4], values: [Float](repeating: value, count: 4))
        let path = scratch.url.appending(path: name).path
        try writer.write(to: path)
        return path
    }

    @Test func differentModelHintsWarn() throws {
        let llama = try vector("llama.gguf", hint: "llama"), qwen = try vector("qwen.gguf", hint: "qwen2")
        let out = scratch.url.appending(path: "sum.gguf").path
        let result = try VeerProcess.run(["vector", "add", llama, qwen, "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("warning: \(llama) was made for a 'llama' model but \(qwen) for a 'qwen2' model"),
                "stderr: \(result.stderr)")
        let same = try VeerProcess.run(["vector", "add", llama, llama, "--out", out])
        #expect(same.status == 0 && !same.stderr.contains("warning"), "stderr: \(same.stderr)")
    }

    /// Before: "<first file>: tensor 'direction.1' holds inf at index 0", blaming an input that was finite.
    @Test func overflowingSumNamesTheSumAndTheBlock() throws {
        let big = try vector("big.gguf", hint: "llama")
        let result = try VeerProcess.run(["vector", "add", big + ":2e38", big + ":2e38",
                                          "--out", scratch.url.appending(path: "sum.gguf").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(big) + \(big): the sum overflows f32 at block 1: index 0 becomes inf"),
                "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("holds inf"))
    }
}
