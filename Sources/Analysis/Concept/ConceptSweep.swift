import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// Concept probability against steering strength (spec 3.2, metric 2): for every strength α and prompt, sample
/// completions with the steering scaled by α (α = 0 unsteered), label each with the judge and/or the lexicon, and
/// average. All completions of the sweep (strengths × prompts × samples) go through one `BatchGenerator`, as many
/// at once as the model's KV-cache slots allow. Degenerate completions are counted per strength, never labelled.
public enum ConceptSweep {
    /// Runs the sweep. `model` generates (its cache's slots bound how many completions run at once; each slot must
    /// hold a prompt and `maxTokens`); `judge` and `lexicon` label (at least one); with `labelledSet`, their accuracy
    /// on its items for the concept is measured too (nil in the result when the set has no items for the concept:
    /// the caller says so). `progress` gets a line per phase.
    public static func run<B: ComputeBackend, J: ComputeBackend>(
        model: LlamaModel<B>, tokenizer: Tokenizer, prompts: [ConceptPrompt], steering: ConceptSteering,
        settings: ConceptSweepSettings, judge: ConceptJudge<J>?, lexicon: ConceptLexicon?,
        labelledSet: [LabelledCompletion]? = nil, progress: ((String) -> Void)? = nil
    ) throws -> ConceptSweepResult {
        try settings.validate()
        guard judge != nil || lexicon != nil else { throw ConceptError("concept probability needs a judge model or a concept word list (or both)") }
        guard !prompts.isEmpty else { throw ConceptError("concept probability needs at least one prompt") }
        if let empty = prompts.firstIndex(where: { $0.tokens.isEmpty }) { throw ConceptError("prompt \(empty + 1) has no tokens") }
        let start = Date()
        let grid = settings.grid, samples = settings.samplesPerPrompt

        // Every completion: strength-major, then prompt, then sample.
        var requests: [GenerationRequest] = [], sequences: [SequenceSteering?] = []
        for alpha in grid {
            for (p, prompt) in prompts.enumerated() {
                let sequence = try steering.sequence(alpha: alpha, prompt: prompt)
                for j in 0..<samples {
                    var sampling = settings.sampling
                    sampling.seed = settings.sampling.seed &+ UInt64(p * samples + j)
                    requests.append(GenerationRequest(prompt: prompt.tokens, maxTokens: settings.maxTokens, sampling: sampling,
                                                      stopTokens: tokenizer.vocabulary.endOfGeneration))
                    sequences.append(sequence)
                }
            }
        }
        progress?("sampling \(requests.count) completions (\(grid.count) strengths × \(prompts.count) prompts × \(samples) samples, \(settings.maxTokens) tokens each)")
        let generated = try BatchGenerator(model: model).generate(requests, sequences: sequences, cacheMode: steering.cacheMode)
        let generationSeconds = Date().timeIntervalSince(start)
        let texts = generated.map { result in
            tokenizer.decode(result.stopReason == "eog" ? Array(result.tokens.dropLast()) : result.tokens)
        }

        // Labels. Index of completion (a, p, j) = (a · prompts + p) · samples + j.
        let judgeStart = Date()
        let sound = generated.indices.filter { generated[$0].stopReason != "degenerate" }
        var verdicts: [Int: JudgeVerdict] = [:]          // per-sample mode: by completion
        var groupVerdicts: [Int: JudgeVerdict] = [:]     // any-of-K mode: by (a · prompts + p)
        if let judge {
            switch settings.judgeMode {
            case .perSample:
                progress?("judging \(sound.count) completions with \(judge.name)")
                let judged = try judge.judge(sound.map { texts[$0] }, concept: settings.concept)
                for (i, verdict) in zip(sound, judged) { verdicts[i] = verdict }
            case .anyOfK:
                let groups = (0..<grid.count * prompts.count).compactMap { g -> (Int, String)? in
                    let members = (g * samples..<(g + 1) * samples).filter { generated[$0].stopReason != "degenerate" }
                    return members.isEmpty ? nil : (g, JudgePrompt.joined(members.map { texts[$0] }))
                }
                progress?("judging \(groups.count) groups of up to \(samples) completions with \(judge.name)")
                let judged = try judge.judge(groups.map(\.1), concept: settings.concept)
                for ((g, _), verdict) in zip(groups, judged) { groupVerdicts[g] = verdict }
            }
        }
        // Accuracy only where the set labels this concept (the result's accuracies stay nil otherwise).
        let labelled = labelledSet.flatMap { set in set.contains { $0.concept == settings.concept } ? set : nil }
        let judgeAccuracy = try labelled.flatMap { set in try judge?.accuracy(on: set, concept: settings.concept) }
        let lexiconAccuracy = try labelled.flatMap { set in
            try lexicon.map { try JudgeAccuracy.lexicon($0, on: set, concept: settings.concept) }
        }
        let judgingSeconds = Date().timeIntervalSince(judgeStart)

        let perAlpha = prompts.count * samples
        let rows = grid.enumerated().map { a, alpha -> ConceptSweepRow in
            let members = Array(a * perAlpha..<(a + 1) * perAlpha)
            let soundMembers = members.filter { generated[$0].stopReason != "degenerate" }
            let reasons = members.compactMap { generated[$0].degenerate.map { "\($0)" } }
            var judgeRate: ConceptRate?
            if judge != nil {
                judgeRate = switch settings.judgeMode {
                case .perSample: ConceptRate(labels: soundMembers.compactMap { verdicts[$0]?.label })
                case .anyOfK: ConceptRate(labels: (0..<prompts.count).compactMap { groupVerdicts[a * prompts.count + $0]?.label })
                }
            }
            let examples = soundMembers.prefix(settings.examplesPerAlpha).map { i in
                let matches = lexicon?.matches(in: texts[i])
                return ConceptExample(prompt: (i % perAlpha) / samples, sample: i % samples, text: texts[i],
                                      stopReason: generated[i].stopReason, judge: verdicts[i],
                                      lexiconLabel: matches.map { $0.isEmpty ? 0 : 1 }, lexiconMatches: matches)
            }
            return ConceptSweepRow(alpha: alpha, completions: members.count, degenerate: members.count - soundMembers.count,
                                   degenerateReasons: Array(Set(reasons)).sorted(), judge: judgeRate,
                                   lexicon: lexicon.map { lexicon in ConceptRate(labels: soundMembers.map { lexicon.label(texts[$0]) }) },
                                   examples: examples)
        }
        let s = settings.sampling
        return ConceptSweepResult(
            concept: settings.concept, judge: judge?.name, judgeMode: settings.judgeMode, lexicon: lexicon?.source,
            prompts: prompts.map(\.text), samplesPerPrompt: samples, maxTokens: settings.maxTokens,
            sampling: .init(temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, seed: s.seed),
            rows: rows, judgeAccuracy: judgeAccuracy, lexiconAccuracy: lexiconAccuracy,
            generationSeconds: generationSeconds, judgingSeconds: judgingSeconds, wallSeconds: Date().timeIntervalSince(start))
    }
}
