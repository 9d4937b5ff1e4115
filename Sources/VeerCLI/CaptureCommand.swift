import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer capture --texts FILE --site SITE --layers A-B --reduce R --out PATH`: runs each text through the model
/// without steering and saves one hook site's activations per block, reduced per text.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture activations at a hook site for a file of texts (.safetensors, or .npy files + meta.json).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Texts: JSONL ({\"text\": ...} per line) or plain text (one per line); empty lines are skipped.")
    var texts: String
    @Option(help: "Hook site: \(HookSite.perBlock.map(\.rawValue).joined(separator: ", ")).")
    var site: String = HookSite.residPost.rawValue
    @Option(help: "Blocks: A-B (inclusive), 3,7,9, or a mix (default: every block).")
    var layers: String?
    @Option(parsing: .unconditional, help: "Per text: last, mean (over all tokens), index:K (negative from the end) or none (every token).")
    var reduce: String = "last"
    @Option(help: "A .safetensors file, or a directory (ending in / or existing) for one <site>.<layer>.npy per block plus meta.json.")
    var out: String
    @Flag(help: "Wrap each text in the model's chat template as a user message (with the assistant prompt).")
    var chat = false
    @OptionGroup var templateOptions: ChatTemplateOptions

    var parsedSite: HookSite { HookSite(rawValue: site)! }
    var reduction: TokenReduction { try! TokenReduction(parsing: reduce) }

    func validate() throws {
        guard let parsed = HookSite(rawValue: site), HookSite.perBlock.contains(parsed) else {
            throw ValidationError("--site \(site): expected one of \(HookSite.perBlock.map(\.rawValue).joined(separator: ", "))")
        }
        do { _ = try TokenReduction(parsing: reduce) } catch { throw ValidationError("--reduce \(error)") }
        if let layers {
            do { _ = try LayerList.parse(layers) } catch { throw ValidationError("--layers: \(error)") }
        }
        if templateOptions.chatTemplate != nil && !chat {
            throw ValidationError("--chat-template only applies with --chat")
        }
        _ = try CaptureDestination(out)
    }

    struct Task: ModelTask {
        var command: CaptureCommand
        var destination: CaptureDestination
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> CaptureSummary {
            let c = command
            let blocks = s.model.config.layers
            let layers = try c.layers.map(LayerList.parse) ?? Array(0..<blocks)
            if let bad = layers.first(where: { $0 >= blocks }) {
                throw CaptureCommandError("--layers \(c.layers ?? ""): block \(bad) does not exist; the model has \(blocks) blocks, 0-\(blocks - 1)")
            }
            let (layout, entries) = try CaptureTextsFile.load(path: c.texts)
            var template: ChatTemplate?
            if c.chat { template = try c.templateOptions.template(for: s.file) }
            let tokens: [[Int32]] = entries.map { entry in
                if let template {
                    let rendered = template.render(messages: [ChatMessage(role: "user", content: entry.text)], addGenerationPrompt: true)
                    return rendered.encode(with: s.tokenizer, addBOS: s.addBOS).ids
                }
                return s.tokenizer.encode(entry.text, parseSpecial: true, addBOS: s.addBOS).ids
            }
            let request = CaptureRequest(site: c.parsedSite, layers: layers, reduction: c.reduction)
            let started = Date()
            let captured: CapturedActivations
            do {
                captured = try ActivationCapture(model: s.model).capture(tokens, request)
            } catch let error as CaptureError {
                throw CaptureCommandError(error, texts: c.texts, entries: entries)
            }
            let seconds = Date().timeIntervalSince(started)
            let total = captured.tokenCounts.reduce(0, +)
            Console.note(String(format: "captured %@ at %d blocks for %d texts (%d tokens) in %.1f s (%.0f tok/s)",
                                request.site.rawValue, layers.count, entries.count, total, seconds, Double(total) / seconds))
            let provenance = CaptureProvenance(
                textsFile: c.texts, textsLayout: layout.rawValue, bos: s.addBOS,
                chatTemplate: template.map(CaptureProvenance.describe), model: s.manifest.model,
                modelSHA256: s.manifest.model_sha256)
            let written = try destination.write(captured, provenance: provenance)
            return CaptureSummary(out: c.out, format: written.format, site: request.site.rawValue, layers: request.layers,
                                  reduce: request.reduction.description, texts: entries.count, tokens: total,
                                  token_counts: captured.tokenCounts, width: captured.width, files: written.files,
                                  seconds: seconds, run: s.manifest)
        }
    }

    func run() throws {
        // Short texts share a forward pass, one KV-cache slot each; the slot count keeps the cache near 4096
        // positions whatever --ctx-size is.
        let slots = max(1, min(8, 4096 / (modelOptions.context.contextSize ?? ContextSizeOption.defaultContextSize)))
        let destination = try CaptureDestination(out)
        try destination.checkWritable()
        let summary = try ModelLoader.run(modelOptions, slots: slots, maxRows: 512, task: Task(command: self, destination: destination))
        if output.json {
            try Console.json(summary)
        } else {
            Console.output("wrote \(summary.files.joined(separator: ", "))")
        }
    }
}

/// The `--json` document of `veer capture`.
struct CaptureSummary: Encodable {
    var out: String
    var format: String
    var site: String
    var layers: [Int]
    var reduce: String
    var texts: Int
    var tokens: Int
    var token_counts: [Int]
    var width: Int
    var files: [String]
    var seconds: Double
    var run: RunManifest
}

/// A capture failure found once the model is loaded (so no usage text follows it); errors about one text are
/// located in the texts file.
struct CaptureCommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    init(_ error: CaptureError, texts: String, entries: [CaptureTextsFile.Entry]) {
        switch error {
        case .emptyText(let i), .textLongerThanContext(let i, _, _), .indexOutsideText(let i, _, _):
            description = "\(texts):\(entries[i].line): \(error)"
        default:
            description = "\(error)"
        }
    }
}
