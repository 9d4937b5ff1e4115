import Foundation
import GGUF
import ModelStore
import Testing
import TestSupport

/// `veer model synth` and the cached model hash, on the default model.
@Suite("veer model synth", .enabled(if: GenerateGoldenCLITests.enabled))
struct SyntheticModelCLITests {
    /// The synthetic model has every tensor of the default one with the same shape and type, other values, the same
    /// tokenizer, and runs: greedy decode gives tokens and no degenerate logits.
    @Test func sameShapesTypesAndTokenizerAndItRuns() throws {
        let scratch = try ScratchDirectory()
        let out = scratch.url.appending(path: "synth.gguf").path
        let made = try VeerProcess.run(["model", "synth", "--out", out])
        #expect(made.status == 0, "stderr: \(made.stderr)")
        let original = try GGUFFile(path: try ModelStore().resolve(explicit: nil).path)
        let synthetic = try GGUFFile(path: out)
        #expect(synthetic.tensors.map(\.name) == original.tensors.map(\.name))
        #expect(synthetic.tensors.map(\.shape) == original.tensors.map(\.shape))
        #expect(synthetic.tensors.map(\.dtype) == original.tensors.map(\.dtype))
        #expect(try synthetic.metadata.stringArray("tokenizer.ggml.tokens") == original.metadata.stringArray("tokenizer.ggml.tokens"))
        let name = try original.tensors.first { $0.name == "blk.0.attn_q.weight" }.map { $0.name }!
        #expect(Array(try synthetic.tensorBytes(named: name)) != Array(try original.tensorBytes(named: name)))

        let run = try VeerProcess.run(["generate", "-m", out, "--backend", "cpu", "--precision", "f32", "-n", "6",
                                       "--ignore-eos", "--temp", "0", "--json", "Hello"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        #expect((json["tokens"] as? [Int])?.count == 6, "\(json)")
        withExtendedLifetime(scratch) {}
    }

    /// The model's SHA-256 is cached by path, size, inode and modification time: the manifest names the file's real
    /// digest, and a file changed in place is hashed again.
    @Test func modelHashIsCachedAndRenewedWhenTheFileChanges() throws {
        let scratch = try ScratchDirectory()
        let model = scratch.url.appending(path: "synth.gguf")
        #expect(try VeerProcess.run(["model", "synth", "--out", model.path, "--seed", "7"]).status == 0)
        let environment = ["VEER_CACHE": scratch.url.path]
        func manifestDigest() throws -> String? {
            let run = try VeerProcess.run(["tokenize", "-m", model.path, "--json", "hi"], environment: environment)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            return ((try run.json() as? [String: Any])?["run"] as? [String: Any])?["model_sha256"] as? String
        }
        let first = try manifestDigest()
        #expect(first == (try ModelStore.sha256(of: model)))
        let cache = try String(contentsOf: scratch.url.appending(path: "sha256-cache.json"), encoding: .utf8)
        #expect(cache.contains(model.lastPathComponent) && cache.contains(first ?? "?"))

        let handle = try FileHandle(forWritingTo: model)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let second = try manifestDigest()
        #expect(second != first)
        #expect(second == (try ModelStore.sha256(of: model)))
        withExtendedLifetime(scratch) {}
    }
}
