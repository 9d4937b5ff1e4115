import Foundation
import GGUF
import Testing
import TestSupport

/// `--chat-template NAME` and the architecture's template for a file without one, through `veer generate --chat`
/// (release builds: each run loads the model, too slow in debug).
@Suite(.enabled(if: ModelFixture.enabled))
struct ChatTemplateCLITests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    /// The default model rewritten with `tokenizer.chat_template` removed and `edits` applied to its metadata.
    func modelWithoutTemplate(_ name: String, edits: [String: GGUFValue] = [:]) throws -> String {
        let source = try GGUFFile(path: ModelFixture.path!)
        var writer = GGUFWriter()
        for key in source.metadata.keys where key != "tokenizer.chat_template" { writer.set(key, source.metadata[key]!) }
        for (key, value) in edits { writer.set(key, value) }
        for tensor in source.tensors {
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.dtype,
                                 bytes: Array(try source.tensorBytes(named: tensor.name)))
        }
        let path = scratch.url.appending(path: name).path
        try writer.write(to: path)
        return path
    }

    func generate(_ model: String, _ extra: [String]) throws -> VeerProcess {
        try VeerProcess.run(["generate", "-m", model, "--backend", "cpu", "-n", "1", "--temp", "0", "--chat",
                             "--json"] + extra + ["Hi"])
    }

    /// The prompt tokens of a --json run, decoded by `veer detokenize` with the control tokens shown.
    func promptText(_ run: VeerProcess, model: String) throws -> String {
        let json = try #require(try run.json() as? [String: Any])
        let ids = try #require(json["prompt_tokens"] as? [Int])
        let decoded = try VeerProcess.run(["detokenize", "-m", model] + ids.map(String.init))
        #expect(decoded.status == 0, "stderr: \(decoded.stderr)")
        // detokenize ends its output with one newline of its own.
        return String(decoded.stdout.dropLast())
    }

    @Test func overrideAndUnknownNames() throws {
        let model = ModelFixture.path!
        let gemma = try generate(model, ["--chat-template", "gemma"])
        #expect(gemma.status == 0, "stderr: \(gemma.stderr)")
        #expect(try promptText(gemma, model: model).contains("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"))
        let llama3 = try generate(model, ["--chat-template", "llama3"])
        #expect(llama3.status == 0, "stderr: \(llama3.stderr)")
        #expect(try promptText(llama3, model: model).contains("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"))
        let unknown = try generate(model, ["--chat-template", "vicuna"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown chat template name 'vicuna' (known: chatml, gemma, llama3)"),
                "stderr: \(unknown.stderr)")
    }

    @Test func architectureTemplateIsUsedAndSaid() throws {
        // A llama file with Llama 3's pre-tokenizer and no template: Llama 3's template, said on stderr.
        let llama3 = try modelWithoutTemplate("llama3.gguf", edits: ["tokenizer.ggml.pre": .string("llama-bpe")])
        let run = try generate(llama3, [])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains(
            "chat template: llama3 (the file has no tokenizer.chat_template; general.architecture is llama)"),
                "stderr: \(run.stderr)")
        #expect(try promptText(run, model: llama3).hasSuffix("<|start_header_id|>assistant<|end_header_id|>\n\n"))
        // The override still wins, and then nothing is said.
        let chatml = try generate(llama3, ["--chat-template", "chatml"])
        #expect(chatml.status == 0 && !chatml.stderr.contains("chat template:"), "stderr: \(chatml.stderr)")

        // SmolLM2's own vocabulary names no template family: the error lists the choices.
        let bare = try modelWithoutTemplate("bare.gguf")
        let refused = try generate(bare, [])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("has no tokenizer.chat_template and its architecture has no default; choose one "
                                        + "with --chat-template (chatml, gemma, llama3)"), "stderr: \(refused.stderr)")
    }
}
