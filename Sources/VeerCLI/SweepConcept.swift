import Analysis
import Foundation
import GGUF
import Kernels
import Llama
import Tokenizers

/// Runs `veer sweep --concept`: the concept-probability sweep with the judge the options name (the swept model
/// itself, with a warning, or another GGUF loaded on the same backend) and/or the word list, and both scorers'
/// accuracy on the repository's labelled completions.
enum SweepConcept {
    static func run<B: ComputeBackend>(_ s: ModelSession<B>, settings: ConceptSweepSettings, options: SweepConceptOptions,
                                       prompts: [String], template: ChatTemplate?, steering loaded: LoadedSteering,
                                       lexicon: ConceptLexicon?, labelled: [LabelledCompletion]) throws -> ConceptSweepResult {
        let conceptPrompts = prompts.map { ConceptPrompt(text: $0, tokenizer: s.tokenizer, template: template) }
        let steering = ConceptSteering(entries: loaded.entries, layers: loaded.layers, positions: loaded.positions,
                                       cacheMode: loaded.cacheMode)
        var judge: ConceptJudge<B>?
        if options.judgeIsSelf {
            Console.note("warning: the judge is the swept model itself (\(s.manifest.model)); give --judge PATH for a stronger one. "
                         + "Its accuracy on the labelled completions is reported beside its labels.")
            judge = try ConceptJudge(model: s.model, tokenizer: s.tokenizer, template: try? ChatTemplate(metadata: s.file.metadata),
                                     name: "self (\(s.manifest.model))")
        } else if options.usesJudge, let path = options.judge {
            judge = try loadJudge(path: path, backend: s.model.backend)
        }
        if !labelled.contains(where: { $0.concept == settings.concept }) {
            let concepts = Set(labelled.map(\.concept)).sorted().joined(separator: ", ")
            Console.note("note: the labelled completions (data/judge/completions.jsonl) have no items for '\(settings.concept)' (they cover \(concepts)), so no accuracy is reported")
        }
        return try ConceptSweep.run(model: s.model, tokenizer: s.tokenizer, prompts: conceptPrompts, steering: steering,
                                    settings: settings, judge: judge, lexicon: lexicon, labelledSet: labelled) {
            Console.note("concept: \($0)")
        }
    }

    /// A judge GGUF on the swept model's backend, with one slot per judged text of a batch and a context that holds
    /// a judge prompt and its capped completion.
    static func loadJudge<B: ComputeBackend>(path: String, backend: B) throws -> ConceptJudge<B> {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw InvalidInput("--judge \(path): \(error)") }
        let tokenizer = try Tokenizer(metadata: file.metadata)
        let config = try LlamaConfig(from: file)
        let context = min(config.contextLength, SweepConceptOptions.judgeContext)
        let model = try LlamaModel(source: file, backend: backend, slots: 8, contextSize: context, maxRows: 512)
        return try ConceptJudge(model: model, tokenizer: tokenizer, template: try? ChatTemplate(metadata: file.metadata), name: path)
    }
}
