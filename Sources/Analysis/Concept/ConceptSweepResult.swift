/// What a concept-probability sweep measured (JSON: snake_case keys). One row per strength.
public struct ConceptSweepResult: Codable, Equatable, Sendable {
    public var concept: String
    /// The judge's name (its file), nil when only the lexicon scored.
    public var judge: String?
    public var judgeMode: JudgeMode
    /// The lexicon's source file, nil when none was given.
    public var lexicon: String?
    public var prompts: [String]
    public var samplesPerPrompt: Int
    public var maxTokens: Int
    public var sampling: Sampling
    public var rows: [ConceptSweepRow]
    /// The judge's accuracy on the labelled set for this concept, when one was given.
    public var judgeAccuracy: JudgeAccuracy?
    /// The lexicon's accuracy on the same set.
    public var lexiconAccuracy: JudgeAccuracy?
    /// Wall time of the sampling, of the judging, and of the whole sweep.
    public var generationSeconds: Double
    public var judgingSeconds: Double
    public var wallSeconds: Double

    /// The sampler settings of the completions (the seed of sample j of prompt p is seed + p · samples + j).
    public struct Sampling: Codable, Equatable, Sendable {
        public var temperature: Float
        public var topK: Int
        public var topP: Float
        public var minP: Float
        public var seed: UInt64
        enum CodingKeys: String, CodingKey { case temperature, topK = "top_k", topP = "top_p", minP = "min_p", seed }
    }

    enum CodingKeys: String, CodingKey {
        case concept, judge, judgeMode = "judge_mode", lexicon, prompts, samplesPerPrompt = "samples_per_prompt"
        case maxTokens = "max_tokens", sampling, rows, judgeAccuracy = "judge_accuracy", lexiconAccuracy = "lexicon_accuracy"
        case generationSeconds = "generation_seconds", judgingSeconds = "judging_seconds", wallSeconds = "wall_seconds"
    }
}

/// The concept probability at one strength.
public struct ConceptSweepRow: Codable, Equatable, Sendable {
    public var alpha: Double
    /// Completions sampled (prompts × samples).
    public var completions: Int
    /// Completions whose logits broke down (stop reason "degenerate"): counted here, never labelled.
    public var degenerate: Int
    /// The distinct breakdown descriptions, when any.
    public var degenerateReasons: [String]
    /// The judge's rate (per sample, or per prompt in any-of-K mode), nil without a judge.
    public var judge: ConceptRate?
    /// The lexicon's rate per sample, nil without a lexicon.
    public var lexicon: ConceptRate?
    /// The first few completions, as examples.
    public var examples: [ConceptExample]

    enum CodingKeys: String, CodingKey {
        case alpha, completions, degenerate, degenerateReasons = "degenerate_reasons", judge, lexicon, examples
    }
}

/// One sampled completion and its labels.
public struct ConceptExample: Codable, Equatable, Sendable {
    /// Index into `ConceptSweepResult.prompts`.
    public var prompt: Int
    public var sample: Int
    public var text: String
    public var stopReason: String
    /// The judge's verdict on this completion (per-sample mode only).
    public var judge: JudgeVerdict?
    public var lexiconLabel: Int?
    public var lexiconMatches: [String]?

    enum CodingKeys: String, CodingKey {
        case prompt, sample, text, stopReason = "stop_reason", judge, lexiconLabel = "lexicon_label", lexiconMatches = "lexicon_matches"
    }
}
