import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

extension ExtractCommand {
    /// Loads the inputs, runs the method on the model and writes the file.
    struct Task: ModelTask {
        var command: ExtractCommand

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = command
            let blocks = s.model.config.layers
            // AUSteer and ITI rank units and heads over every block; the additive methods skip block 0, as llama.cpp.
            let scoresEveryBlock = c.method == .austeer || c.method == .iti
            let selection = try c.layers.map(c.parseLayers)
                ?? LayerSelection(range: (scoresEveryBlock ? 0 : 1)...(blocks - 1))
            try selection.validate(blockCount: blocks)
            let layers = (0..<blocks).filter(selection.contains)
            // CAA renders its questions with the chat template, --chat renders every text: resolved once.
            let template = c.chat || c.method == .caa ? try c.templateOptions.template(for: s.file) : nil
            let encode = textEncoder(s, template: c.chat ? template : nil)
            let progress = ExtractionProgress()
            var units: [SelectedUnit]?, heads: [SelectedHead]?
            let extracted: ExtractedDirections
            switch c.method {
            case .meanDiff:
                let pairs = try c.loadPairs()
                extracted = try MeanDifference.extract(model: s.model, positive: pairs.map { encode($0.positive) },
                                                       negative: pairs.map { encode($0.negative) }, layers: layers,
                                                       reduction: c.reduce == "mean" ? .mean : .last, progress: progress.report)
            case .cvectorMean:
                extracted = try CVectorMean.extract(model: s.model, tokenizer: s.tokenizer, pairs: try c.loadPairs())
            case .pcaDiff, .pcaCenter:
                let pairs = try c.loadPairs()
                extracted = try PCADirections.extract(c.method == .pcaDiff ? .pcaDiff : .pcaCenter, model: s.model,
                                                      positive: pairs.map { encode($0.positive) },
                                                      negative: pairs.map { encode($0.negative) }, layers: layers,
                                                      progress: progress.report)
            case .caa:
                let items = try CAAItem.load(path: c.caa!)
                extracted = try CAAVector.extract(model: s.model, tokenizer: s.tokenizer,
                                                  template: template!, addBOS: s.addBOS,
                                                  items: items, layers: layers, progress: progress.report)
            case .spherical:
                let (positive, negative) = try c.labelledTexts()
                let gate: SphericalGate = c.ungated ? .ungated
                    : .gated(kappa: c.kappa ?? SphericalPrototype.defaultKappa, beta: c.beta ?? SphericalPrototype.defaultBeta)
                extracted = try SphericalPrototype.extract(model: s.model, positive: positive.map(encode),
                                                           negative: negative.map(encode), layers: layers, gate: gate,
                                                           strength: c.ungated ? c.fixedT! : c.alpha ?? SphericalPrototype.defaultAlpha,
                                                           progress: progress.report)
            case .austeer:
                let pairs = try c.loadPairs()
                let site = try c.site.map(c.austeerSite) ?? .mlpOut
                extracted = try AUSteerUnits.extract(model: s.model, positive: pairs.map { encode($0.positive) },
                                                     negative: pairs.map { encode($0.negative) }, site: site, layers: layers,
                                                     k: c.k ?? AUSteerUnits.defaultK, alpha: c.alpha ?? AUSteerUnits.defaultAlpha,
                                                     progress: progress.report)
                units = extracted.directions.keys.sorted().flatMap { block in
                    extracted.directions[block]!.enumerated().filter { $0.element != 0 }
                        .map { SelectedUnit(block: block, unit: $0.offset, b: $0.element) }
                }
            case .iti:
                let questions = try c.loadQuestions()
                let available = s.model.config.heads * layers.count
                let wanted = c.heads ?? ITIHeads.defaultHeads
                if wanted > available {
                    Console.note("extract: --heads \(wanted) is more than the \(available) heads of the probed blocks; steering all \(available)")
                }
                let result = try ITIHeads.extract(model: s.model, questions: questions, encode: encode, layers: layers,
                                                  heads: min(wanted, available), alpha: c.alpha ?? ITIHeads.defaultAlpha,
                                                  source: c.truthfulqa!, progress: progress.report)
                extracted = result.extracted
                heads = result.selected.map {
                    SelectedHead(block: $0.probe.layer, head: $0.probe.head, validation_accuracy: $0.probe.validationAccuracy,
                                 sigma: $0.sigma)
                }
            }
            var result = try write(extracted, s, selection: selection,
                                   template: template?.name ?? "none")
            result.units = units
            result.heads = heads
            return result
        }

        /// How a text becomes tokens: a raw prompt (control-token text recognised, BOS by the model or --bos), or
        /// with a template (--chat) a user message of the chat template with the assistant prompt.
        func textEncoder<B: ComputeBackend>(_ s: ModelSession<B>, template: ChatTemplate?) -> (String) -> [Int32] {
            guard let template else {
                return { s.tokenizer.encode($0, parseSpecial: true, addBOS: s.addBOS).ids }
            }
            return { text in
                template.render(messages: [ChatMessage(role: "user", content: text)], addGenerationPrompt: true)
                    .encode(with: s.tokenizer, addBOS: s.addBOS).ids
            }
        }
    }
}

/// "extract: 120/800 texts" on stderr about every tenth of a long capture (and at its end).
final class ExtractionProgress {
    private var lastShown = 0

    var report: CaptureProgress {
        { [self] done, total in
            let step = max(1, total / 10)
            guard total >= 20, done == total || done - lastShown >= step else { return }
            lastShown = done
            Console.note("extract: \(done)/\(total) texts")
        }
    }
}
