import ArgumentParser
import Evaluation
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// Runs `veer eval mc`: tokenizes the items, sizes the KV-cache slots to the longest item, loads the model and
/// scores every configuration on the same items.
struct EvalRunner {
    var command: EvalMCCommand
    var data: MCTaskData
    var items: [MCItem]
    var configurations: [EvalConfiguration]
    var started: Date

    func run() throws -> EvalDocument {
        let opened = try command.modelOptions.location.open()
        let (path, file, tokenizer) = opened
        let addBOS = command.modelOptions.bos ?? tokenizer.vocabulary.addsBOS
        let needsTemplate = items.contains { $0.options.contains { if case .chat = $0.prompt { true } else { false } } }
        let template = needsTemplate ? try command.templateOptions.template(for: file) : nil
        let tokenized = try TokenizedTask(items: items, tokenizer: tokenizer, template: template, addBOS: addBOS)
        let config = try LlamaConfig(from: file)
        // --two-fold also extracts from "Q: {question} A: {answer}" texts, shorter than the scored prompts.
        let needed = tokenized.positionsNeeded
        let contextSize = try ScoringCacheSize.contextSize(needed: needed, options: command.modelOptions, config: config,
                                                           file: path.path, what: "\(data.task.rawValue) item")
        let slots = ScoringCacheSize.slots(given: command.slots, config: config, contextSize: contextSize)
        let task = Task(runner: self, tokenized: tokenized, template: template, slots: slots)
        return try ModelLoader.run(command.modelOptions, slots: slots, maxRows: 512, contextSize: contextSize, opened: opened,
                                   task: task)
    }

    struct Task: ModelTask {
        var runner: EvalRunner
        var tokenized: TokenizedTask
        var template: ChatTemplate?
        var slots: Int

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> EvalDocument {
            let scorer = try MCScorer(model: s.model)
            let task = runner.data.task
            Console.note("eval \(task.rawValue): \(runner.items.count) items, \(tokenized.requests.count) prompts, "
                         + "\(tokenized.requests.map(\.continuations.count).reduce(0, +)) options; \(slots) slots of \(s.model.cache.shape.ctx) positions")
            var configurations: [EvalDocument.Configuration] = []
            var records: [EvalDocument.ItemRecord] = []
            for configuration in runner.configurations {
                let start = Date()
                let results: [MCItemResult]
                var record: EvalDocument.Configuration
                if let method = configuration.twoFold {
                    let twoFold = try EvalTwoFold(runner: runner, method: method, template: template)
                    let outcome = try twoFold.run(s, scorer: scorer, name: configuration.name)
                    results = outcome.results
                    record = EvalDocument.Configuration(name: configuration.name, steering: nil, positions: outcome.positions,
                                                        metrics: outcome.metrics, fold_metrics: outcome.foldMetrics,
                                                        degenerate_items: 0, wall_seconds: 0, vectors: outcome.vectors)
                } else {
                    let loaded = try configuration.steering.map { try EvalSteering.load($0, session: s) }
                    results = try score(tokenized, items: runner.items, scorer: scorer, steering: loaded, name: configuration.name)
                    record = EvalDocument.Configuration(name: configuration.name, steering: loaded?.manifest,
                                                        positions: loaded?.positions.description,
                                                        metrics: MCMetrics.aggregate(task, results), fold_metrics: nil,
                                                        degenerate_items: 0, wall_seconds: 0, vectors: nil)
                    if runner.twoFoldBaseline { record.fold_metrics = runner.foldMetrics(results) }
                    if let folds = record.fold_metrics { record.metrics = EvalTwoFold.mean(folds) }
                }
                record.degenerate_items = results.filter(\.degenerate).count
                record.wall_seconds = Date().timeIntervalSince(start)
                if record.degenerate_items > 0 {
                    Console.note("warning: \(configuration.name): \(record.degenerate_items) items gave degenerate logits (NaN, inf or all equal); they score 0")
                }
                configurations.append(record)
                records += results.map { EvalDocument.ItemRecord(config: configuration.name, result: $0) }
            }
            return EvalDocument(
                metrics: .init(configurations), protocol: protocolRecord(s), selection: runner.selection,
                configs: configurations, agreement: EvalAgreement.pairs(records, configurations: configurations.map(\.name)),
                items: records, run: s.manifest,
                wall_seconds: Date().timeIntervalSince(runner.started))
        }

        /// Scores `items` (tokenized as `tokenized`) with one steering, reporting progress on stderr.
        func score<B: ComputeBackend>(_ tokenized: TokenizedTask, items: [MCItem], scorer: MCScorer<B>,
                                      steering loaded: LoadedSteering?, name: String) throws -> [MCItemResult] {
            if let loaded, let first = tokenized.requests.first {
                loaded.report(span: SequenceSpan(promptLength: first.prompt.count, answerStart: first.answerStart),
                              length: first.longestSequence)
            }
            let progress = EvalProgress(label: "eval \(runner.data.task.rawValue) [\(name)]", items: tokenized.itemsFinished)
            let steering = loaded.map { l in
                ScoringSteering(cacheMode: l.cacheMode) { try l.sequence(promptLength: $0.prompt.count, answerStart: $0.answerStart) }
            }
            let scores = try scorer.score(tokenized.requests, steering: steering, slots: slots, progress: progress.report)
            progress.finish()
            return zip(items, tokenized.optionScores(scores)).map { MCMetrics.item(runner.data.task, $0, scores: $1) }
        }

        func protocolRecord<B: ComputeBackend>(_ s: ModelSession<B>) -> EvalDocument.ProtocolRecord {
            let task = runner.data.task
            var templateName = "none"
            if let template {
                if case .chatML(_?) = template.style {
                    templateName = "chatml with the model's default system prompt"
                } else {
                    templateName = template.name
                }
            }
            return EvalDocument.ProtocolRecord(
                task: task.rawValue, data_file: runner.data.file, data_sha256: runner.data.sha256,
                items_in_file: runner.data.items.count, items: runner.items.count, summary: task.protocolSummary,
                scoring: task.scoring.rawValue, template: templateName, bos: s.addBOS,
                tokenization: "prompt and continuation tokenized separately without special-token parsing (chat template markup excepted), then joined",
                precision: s.manifest.precision, model_sha256: s.manifest.model_sha256)
        }
    }

    var selection: EvalDocument.Selection {
        EvalDocument.Selection(limit: command.limit, fold: command.fold, shard: command.shard,
                               folds: command.twoFold != nil ? EvalTwoFold.foldSizes(items.count) : nil)
    }

    /// With --two-fold, the unsteered configuration is averaged over the same folds as the steered one.
    var twoFoldBaseline: Bool { command.twoFold != nil }

    /// Per-fold metrics of `results` (in item order), for --two-fold.
    func foldMetrics(_ results: [MCItemResult]) -> [[String: Double]] {
        EvalTwoFold.foldRanges(results.count).map { MCMetrics.aggregate(data.task, Array(results[$0])) }
    }
}

/// How a configuration's steering is loaded for evaluation: the files and specs as `--steer` loads them, with the
/// evaluation's default positions (from:prompt-end; from:answer-start when every entry is ITI) unless --positions or
/// the entries say otherwise.
enum EvalSteering {
    static func load<B: ComputeBackend>(_ options: SteeringOptions, session: ModelSession<B>) throws -> LoadedSteering {
        guard var loaded = try options.load(for: session) else {
            throw ValidationError("a steered configuration has no --steer")
        }
        if options.positions == nil, !loaded.entries.contains(where: { $0.positions != nil }) {
            loaded.positions = loaded.entries.allSatisfy { $0.method == .iti } ? .fromAnswerStart : .fromPromptEnd
        }
        return loaded
    }
}
