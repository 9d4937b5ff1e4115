import Analysis
import Evaluation
import Foundation
import Kernels
import Llama
import Steering

/// Runs `veer prefutil`: renders and tokenizes the pairs, sizes the KV cache to the longest pair, loads the model and
/// scores every pair at every multiplier.
struct PrefUtilRunner {
    var command: PrefUtilCommand
    var file: URL
    var pairsInFile: Int
    var pairs: [PolarityPair]
    var multipliers: [Double]
    var started: Date

    func run() throws -> PrefUtilDocument {
        let opened = try command.modelOptions.location.open()
        let (path, file, tokenizer) = opened
        let addBOS = command.modelOptions.bos ?? tokenizer.vocabulary.addsBOS
        let template = try command.templateOptions.template(for: file)
        let items = try pairs.enumerated().map { try command.answer.item($1, index: $0) }
        let tokenized: TokenizedTask
        do { tokenized = try TokenizedTask(items: items, tokenizer: tokenizer, template: template, addBOS: addBOS) } catch {
            throw InvalidInput("\(self.file.path): \(error)")
        }
        let config = try LlamaConfig(from: file)
        let contextSize = try ScoringCacheSize.contextSize(needed: tokenized.positionsNeeded, options: command.modelOptions,
                                                           config: config, file: path.path, what: "pair")
        let slots = ScoringCacheSize.slots(given: command.slots, config: config, contextSize: contextSize)
        let task = Task(runner: self, tokenized: tokenized, slots: slots)
        return try ModelLoader.run(command.modelOptions, slots: slots, maxRows: 512, contextSize: contextSize, opened: opened,
                                   task: task)
    }

    struct Task: ModelTask {
        var runner: PrefUtilRunner
        var tokenized: TokenizedTask
        var slots: Int

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> PrefUtilDocument {
            let loaded = try EvalSteering.load(runner.command.steering, session: s)
            if let first = tokenized.requests.first {
                loaded.report(span: SequenceSpan(promptLength: first.prompt.count, answerStart: first.answerStart),
                              length: first.longestSequence)
            }
            let scorer = try MCScorer(model: s.model)
            let m = runner.multipliers
            Console.note("prefutil: \(runner.pairs.count) pairs x \(m.count) multipliers; \(slots) slots of \(s.model.cache.shape.ctx) positions")
            let observations = try PrefUtilMeasurement.measure(
                scorer: scorer, tokenized: tokenized, multipliers: m, loss: runner.command.loss, slots: slots,
                steering: { scaled(loaded, by: $0) },
                progress: { Console.note("prefutil: multiplier \(PrefUtilReport.format(m[$0])) done (\($0 + 1)/\(m.count))") })
            let curve = PrefUtilCurve(multipliers: m, observations: observations)
            for point in curve.points where point.degeneratePairs > 0 {
                Console.note("warning: multiplier \(PrefUtilReport.format(point.multiplier)): \(point.degeneratePairs) pairs gave degenerate logits (NaN, inf or all equal); left out of the means")
            }
            return try PrefUtilDocument(runner: runner, session: s, steering: loaded, curve: curve,
                                    observations: runner.command.perPair ? observations : nil)
        }

        /// The steering at multiplier m: every entry's strength times m, composed per request as evaluation does.
        func scaled(_ loaded: LoadedSteering, by m: Double) -> ScoringSteering {
            var steering = loaded
            steering.sources = loaded.sources.map { source in
                var copy = source
                copy.entries = source.entries.map { $0.scaled(by: Float(m)) }
                return copy
            }
            return ScoringSteering(cacheMode: steering.cacheMode) {
                try steering.sequence(promptLength: $0.prompt.count, answerStart: $0.answerStart)
            }
        }
    }
}
