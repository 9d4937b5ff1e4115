import Analysis
import Evaluation
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// Runs `veer sweep`: sizes the KV cache to the prompts and the grid, loads the model and the steering, runs the
/// sweep, then writes the outputs (table or JSON, report, the range into the vector file).
struct SweepRunner {
    var command: SweepCommand
    var grid: AlphaGrid
    var prompts: [String]
    var started: Date

    func run() throws {
        try command.report.checkWritable()
        let settings = command.measures.settings(grid: grid)
        let neutral = settings.crossEntropyTokens > 0
            ? try BoolQPassages.load(dataDirectory: MCDataDirectory.resolve(option: command.measures.data)) : nil
        let opened = try command.modelOptions.location.open()
        let addBOS = command.modelOptions.bos ?? opened.tokenizer.vocabulary.addsBOS
        let template = command.chat ? try command.templateOptions.template(for: opened.file) : nil
        // With --chat the prompt is the rendered chat, whose markup the sweep's tokenization reads as control tokens.
        let prompts = template.map { t in self.prompts.map { t.render(messages: [ChatMessage(role: "user", content: $0)], addGenerationPrompt: true).text } } ?? self.prompts
        let longest = prompts.map {
            SweepPrompt.tokens($0, tokenizer: opened.tokenizer, addBOS: addBOS, limit: settings.promptTokenLimit).ids.count
        }.max()!
        let needed = max(settings.positionsNeeded(promptLength: longest), command.concept.positionsNeeded(promptLength: longest))
        let contextSize: Int
        if let given = command.modelOptions.context.contextSize {
            guard given >= needed else {
                throw InvalidInput("--ctx-size \(given): the sweep needs \(needed) positions per slot (prompt, continuation, neutral-text windows)")
            }
            contextSize = try command.modelOptions.context.resolved(modelLimit: try LlamaConfig(from: opened.file).contextLength,
                                                                    file: opened.path.path)
        } else {
            contextSize = needed
        }
        let slots = command.measures.slots ?? min(grid.values.count, ScoringCacheSize.maxDefaultSlots)
        let labelled = command.concept.concept == nil ? nil
            : try LabelledCompletion.load(path: MCDataDirectory.resolve(option: command.measures.data).appending(path: "judge/completions.jsonl").path)
        let lexicon = try command.concept.conceptWords.map { try ConceptLexicon.load(path: $0) }
        let task = Task(command: command, grid: grid, prompts: prompts, userPrompts: self.prompts, template: template, settings: settings,
                        neutral: neutral, labelled: labelled, lexicon: lexicon, started: started)
        let document = try ModelLoader.run(command.modelOptions, slots: slots, maxRows: 512, contextSize: contextSize,
                                           opened: opened, task: task)
        if let path = document.written_range?.file {
            Console.note("recorded veer.strength_range \(document.written_range!.range) in \(path)")
        }
        if command.report.report != nil { try command.report.write(SweepReport.html(document, command: CommandLine.arguments, topK: command.measures.topK)) }
        if command.output.json { try Console.json(document) } else { Console.output(SweepTable.text(document, topK: command.measures.topK)) }
    }

    struct Task: ModelTask {
        var command: SweepCommand
        var grid: AlphaGrid
        var prompts: [String]
        /// The prompts as given (before `--chat` wrapped them).
        var userPrompts: [String]
        var template: ChatTemplate?
        var settings: StrengthSweepSettings
        var neutral: BoolQPassages?
        var labelled: [LabelledCompletion]?
        var lexicon: ConceptLexicon?
        var started: Date

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> SweepDocument {
            guard let loaded = try command.steering.load(for: s) else { throw InvalidInput("veer sweep needs --steer FILE[:S]") }
            loaded.report(span: SequenceSpan(promptLength: 1), length: 1)
            let steering = SweepSteering(entries: loaded.entries, layers: loaded.layers, positions: loaded.positions,
                                         cacheMode: loaded.cacheMode)
            Console.note("sweep: \(grid.values.count) alphas from \(grid.values.first!) to \(grid.values.last!), \(prompts.count) prompt(s), "
                         + "\(s.model.cache.shape.slots) slots of \(s.model.cache.shape.ctx) positions")
            let sweep = StrengthSweep(model: s.model, tokenizer: s.tokenizer, addBOS: s.addBOS)
            let result = try sweep.run(prompts: prompts, neutralText: neutral?.passages ?? [], steering: steering, settings: settings) {
                Console.note("sweep: \($0)")
            }
            var document = SweepDocument(result, tokenizer: s.tokenizer, neutral: neutral, run: s.manifest.steered(by: loaded),
                                         strength: loaded.sources.count == 1 ? loaded.sources[0].argument.strength : nil,
                                         chat: template != nil)
            if let conceptSettings = command.concept.settings(grid: grid) {
                document.concept = try SweepConcept.run(s, settings: conceptSettings, options: command.concept, prompts: userPrompts,
                                                        template: template, steering: loaded, lexicon: lexicon, labelled: labelled ?? [])
            }
            document.laws = SweepLaws(document, topK: command.measures.topK)
            if command.writeRange {
                let source = loaded.sources[0]
                let range = document.recommended_range.file_strength!
                try SteeringVector.recordStrengthRange(Float(range[0])...Float(range[1]), inFileAt: source.argument.path)
                document.written_range = .init(file: source.argument.path, range: range)
            }
            document.wall_seconds = Date().timeIntervalSince(started)
            return document
        }
    }
}
