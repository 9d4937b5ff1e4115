import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer extract --method mean-diff|cvector-mean --pairs FILE --layers A-B --out FILE`: builds additive steering
/// directions from contrastive pairs and writes a vector file llama.cpp can read (`direction.N`, N >= 1) with Veer's
/// provenance keys (method, site, positions, BOS, template, per-layer residual norms, model fingerprint).
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract additive steering directions from contrastive pairs into a vector file.",
        discussion: """
            mean-diff: direction.N = mean over positives of resid_post[N] - mean over negatives, each text reduced to \
            its last token (or --reduce mean), unnormalised; read and applied at the same block. \
            cvector-mean: llama.cpp's `llama-cvector-generator --method mean`: pairs padded with the space token to \
            equal length, per-position differences of block N-1's output over every position, mean, unit norm, \
            written as direction.N.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case meanDiff = "mean-diff", cvectorMean = "cvector-mean"
    }

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "mean-diff or cvector-mean.") var method: Method = .meanDiff
    @Option(help: "Contrastive pairs, JSONL: {\"positive\": text, \"negative\": text} per line.") var pairs: String?
    @Option(name: .customLong("positive-file"), help: "llama.cpp-style prompts, one per line (\\n escapes), with --negative-file.")
    var positiveFile: String?
    @Option(name: .customLong("negative-file"), help: "The negative prompts, paired line by line with --positive-file.")
    var negativeFile: String?
    @Option(help: "Blocks to keep: A-B (inclusive) or a list (default: 1 to the last block, as llama.cpp writes).")
    var layers: String?
    @Option(help: "mean-diff only: reduce each text to its last token (last) or its mean over tokens (mean).")
    var reduce: String = "last"
    @Flag(help: "Wrap each text in the model's chat template as a user message (with the assistant prompt).")
    var chat = false
    @OptionGroup var templateOptions: ChatTemplateOptions
    @Option(name: .customLong("strength-range"), parsing: .unconditional,
            help: "Record a recommended strength range LO:HI in the file (e.g. from a sweep).")
    var strengthRange: String?
    @Option(help: "The vector file to write (GGUF).") var out: String

    struct Result: Encodable {
        var out: String
        var method: String
        var pairs: Int
        var blocks: [Int]
        /// Per block, in block order (JSON object keys would be strings, sorted "10" before "5").
        var direction_norms: [BlockValue]
        var mean_residual_norms: [BlockValue]
        var warnings: [String]
        var run: RunManifest
    }

    func validate() throws {
        guard (pairs == nil) != (positiveFile == nil && negativeFile == nil),
              (positiveFile == nil) == (negativeFile == nil) else {
            throw ValidationError("give either --pairs FILE or both --positive-file and --negative-file")
        }
        guard ["last", "mean"].contains(reduce) else { throw ValidationError("--reduce \(reduce): expected last or mean") }
        if method == .cvectorMean && reduce != "last" {
            throw ValidationError("--reduce applies to mean-diff; cvector-mean uses every position, as llama.cpp does")
        }
        if method == .cvectorMean && chat {
            throw ValidationError("cvector-mean reads prompts as llama.cpp does, templates included in the text; drop --chat")
        }
        if let layers { _ = try parseLayers(layers) }
        _ = try parsedStrengthRange()
    }

    func parseLayers(_ text: String) throws -> LayerSelection {
        do { return try LayerSelection(parsing: text) } catch { throw ValidationError("\(error)") }
    }

    func parsedStrengthRange() throws -> ClosedRange<Float>? {
        guard let strengthRange else { return nil }
        let parts = strengthRange.split(separator: ":", omittingEmptySubsequences: false).compactMap { Float($0) }
        guard parts.count == 2, parts[0].isFinite, parts[1].isFinite, parts[0] <= parts[1] else {
            throw ValidationError("--strength-range \(strengthRange): expected LO:HI with LO <= HI, e.g. -2:4")
        }
        return parts[0]...parts[1]
    }

    func loadPairs() throws -> [ContrastivePair] {
        if let pairs { return try ContrastivePair.loadPairs(path: pairs) }
        let positives = try LlamaCppPromptFile.load(path: positiveFile!)
        let negatives = try LlamaCppPromptFile.load(path: negativeFile!)
        guard positives.count == negatives.count else {
            throw ValidationError("\(positiveFile!) has \(positives.count) prompts but \(negativeFile!) has \(negatives.count); they pair line by line")
        }
        return zip(positives, negatives).map { ContrastivePair(positive: $0, negative: $1) }
    }

    struct Task: ModelTask {
        var command: ExtractCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = command
            let blocks = s.model.config.layers
            let selection = try c.layers.map(c.parseLayers) ?? LayerSelection(range: 1...(blocks - 1))
            try selection.validate(blockCount: blocks)
            let pairs = try c.loadPairs()
            let reduction: TokenReduction = c.reduce == "mean" ? .mean : .last
            let layers = (0..<blocks).filter(selection.contains)
            let extracted: ExtractedDirections
            switch (c.method, c.chat) {
            case (.meanDiff, true):
                // Only ChatML is recognised today (ChatTemplate.names), so that is what the file records.
                let template = try c.templateOptions.template(for: s.file)
                func wrap(_ text: String) -> [Int32] {
                    template.render(messages: [ChatMessage(role: "user", content: text)], addGenerationPrompt: true)
                        .encode(with: s.tokenizer, addBOS: s.addBOS).ids
                }
                extracted = try MeanDifference.extract(model: s.model, positive: pairs.map { wrap($0.positive) },
                                                       negative: pairs.map { wrap($0.negative) }, layers: layers,
                                                       reduction: reduction)
            case (.meanDiff, false):
                extracted = try MeanDifference.extract(model: s.model, tokenizer: s.tokenizer, pairs: pairs, layers: layers,
                                                       reduction: reduction, addBOS: s.addBOS)
            case (.cvectorMean, _):
                extracted = try CVectorMean.extract(model: s.model, tokenizer: s.tokenizer, pairs: pairs)
            }
            return try write(extracted, s, selection: selection, template: c.chat ? "chatml" : "none")
        }

        func write<B: ComputeBackend>(_ extracted: ExtractedDirections, _ s: ModelSession<B>, selection: LayerSelection,
                                      template: String) throws -> Result {
            let c = command
            let directions = extracted.directions.filter { selection.contains($0.key) }
            guard !directions.isEmpty else {
                throw ValidationError("--layers \(selection) keeps none of the extracted blocks \(extracted.directions.keys.sorted())")
            }
            let identity = try ModelIdentity(file: s.file)
            let info = VectorInfo(
                method: extracted.method,
                positions: c.method == .cvectorMean ? "all (pairs padded with the space token)" : c.reduce,
                bos: s.addBOS ? "included" : "excluded", chatTemplate: template,
                layerNorms: extracted.meanResidualNorms.filter { directions[$0.key] != nil },
                fingerprint: identity.fingerprint, modelHint: identity.architecture,
                strengthRange: try c.parsedStrengthRange())
            let vector = try SteeringVector(directions: directions, info: info, name: c.out)
            let warnings = try vector.write(to: c.out)
            for warning in warnings { Console.note("warning: \(warning)") }
            Console.note("wrote \(c.out): \(extracted.method), \(extracted.pairCount) pairs, blocks \(vector.blocks.first!)...\(vector.blocks.last!)")
            func keyed(_ values: [Int: Float]) -> [BlockValue] { BlockValue.list(values) }
            return Result(out: c.out, method: extracted.method, pairs: extracted.pairCount, blocks: vector.blocks,
                          direction_norms: keyed(vector.directionNorms), mean_residual_norms: keyed(info.layerNorms),
                          warnings: warnings, run: s.manifest)
        }
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, slots: 4, maxRows: 512, task: Task(command: self))
        if output.json { try Console.json(result) }
    }
}

/// One block's number in a JSON result, with a value: `{"block": 5, "value": 1.25}`.
struct BlockValue: Encodable, Equatable {
    var block: Int
    var value: Float

    /// The entries of `values` in numeric block order.
    static func list(_ values: [Int: Float]) -> [BlockValue] {
        values.keys.sorted().map { BlockValue(block: $0, value: values[$0]!) }
    }
}
