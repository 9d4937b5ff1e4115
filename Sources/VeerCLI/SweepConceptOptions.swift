import Analysis
import ArgumentParser
import Evaluation
import Foundation

/// `veer sweep`'s concept probability (spec 3.2, metric 2; docs/analysis-concept.md): sampled completions at every
/// alpha, labelled by a judge model and/or a concept word list, with both scorers' accuracy on the repository's
/// labelled completions beside them.
struct SweepConceptOptions: ParsableArguments {
    @Option(help: "Measure the probability that sampled completions express this concept (e.g. refusal, joy).")
    var concept: String?

    @Option(help: "The judge: a Llama-architecture GGUF, or 'self' for the swept model (the default when no --concept-words is given; a 135M model is a poor judge).")
    var judge: String?

    @Option(name: .customLong("concept-words"), help: "A word list (one word or phrase per line, # comments): a completion containing one, as a whole word, is labelled 1.")
    var conceptWords: String?

    @Option(help: "Completions sampled per prompt and alpha (the reference code's 12; the paper's 32).")
    var samples: Int = ConceptSweepSettings(concept: "", alphas: []).samplesPerPrompt

    @Option(name: .customLong("sample-tokens"), help: "Tokens per sampled completion.")
    var sampleTokens: Int = ConceptSweepSettings(concept: "", alphas: []).maxTokens

    @Option(help: "The sampling seed: sample j of prompt p uses seed + p * samples + j at every alpha.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("any-of-k"), help: "One judge label per prompt and alpha over all its samples (the reference code's mode) instead of one per sample.")
    var anyOfK = false

    func validate() throws {
        guard let concept else {
            for (name, given) in [("--judge", judge != nil), ("--concept-words", conceptWords != nil), ("--any-of-k", anyOfK)] where given {
                throw ValidationError("\(name) labels completions for a concept: give --concept NAME too")
            }
            return
        }
        if concept.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--concept: expected a concept name") }
        if samples < 1 { throw ValidationError("--samples \(samples): expected a whole number >= 1") }
        if sampleTokens < 1 { throw ValidationError("--sample-tokens \(sampleTokens): expected a whole number >= 1") }
        if anyOfK, usesJudge == false { throw ValidationError("--any-of-k is a judge mode: give --judge too") }
    }

    /// Positions a judge's slot holds: the judge prompt and a completion capped at 800 characters fit in 512 with
    /// SmolLM2's tokenizer (docs/analysis-concept.md).
    static let judgeContext = 512

    /// The judge runs when asked for, or by default when there is no word list.
    var usesJudge: Bool { judge != nil || conceptWords == nil }
    /// The judge is the swept model itself.
    var judgeIsSelf: Bool { usesJudge && (judge == nil || judge == "self") }

    func settings(grid: AlphaGrid) -> ConceptSweepSettings? {
        guard let concept else { return nil }
        var settings = ConceptSweepSettings(concept: concept, alphas: grid.values)
        settings.samplesPerPrompt = samples
        settings.maxTokens = sampleTokens
        settings.sampling.seed = seed
        settings.judgeMode = anyOfK ? .anyOfK : .perSample
        return settings
    }

    /// Positions a slot needs for a prompt of `promptLength` tokens and its completion, and for judging.
    func positionsNeeded(promptLength: Int) -> Int {
        guard concept != nil else { return 0 }
        return max(promptLength + sampleTokens, judgeIsSelf ? Self.judgeContext : 0)
    }
}
