import Llama
import Steering
import Tokenizers

/// How a concept-probability sweep samples and judges. Defaults are the reference code's (spec 3.2, metric 2):
/// temperature 0.9, top-k 50, top-p 0.95 (min-p off), 100 new tokens, 12 samples per prompt (the paper's figures
/// use 32: pass `samplesPerPrompt: 32` for them), one judge label per sample (the paper's reading; the code's
/// any-of-K label per prompt is `JudgeMode.anyOfK`).
public struct ConceptSweepSettings: Sendable, Equatable {
    /// The concept the judge is asked about ("refusal", "joy").
    public var concept: String
    /// The strengths; 0 (the unsteered row) is added when missing, and they run sorted, duplicates removed.
    public var alphas: [Double]
    /// Completions sampled per prompt and strength.
    public var samplesPerPrompt: Int = 12
    /// New tokens per completion.
    public var maxTokens: Int = 100
    /// Sampling of the completions. Sample j of prompt p draws with seed `sampling.seed + p · samplesPerPrompt + j` at
    /// every strength (common random numbers: the curve's noise does not change between strengths).
    public var sampling = SamplerSettings(temperature: 0.9, topK: 50, topP: 0.95, minP: 0, seed: 0)
    /// One label per sample, or one per prompt and strength over its samples.
    public var judgeMode: JudgeMode = .perSample
    /// Completions kept as examples per strength in the result.
    public var examplesPerAlpha: Int = 3

    public init(concept: String, alphas: [Double]) {
        self.concept = concept
        self.alphas = alphas
    }

    /// The strengths the sweep runs: `alphas` ∪ {0}, sorted, duplicates removed (the sweep's `AlphaGrid`; empty
    /// when a strength is not finite, which `validate` refuses).
    public var grid: [Double] { (try? AlphaGrid(values: alphas))?.values ?? [] }

    /// Throws naming the first setting out of range.
    public func validate() throws {
        guard !concept.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ConceptError("the concept is empty: name it (e.g. refusal)") }
        if let bad = alphas.first(where: { !$0.isFinite }) { throw ConceptError("strength \(bad) is not a finite number") }
        guard samplesPerPrompt >= 1 else { throw ConceptError("samples per prompt \(samplesPerPrompt) must be at least 1") }
        guard maxTokens >= 1 else { throw ConceptError("max tokens \(maxTokens) must be at least 1") }
        guard examplesPerAlpha >= 0 else { throw ConceptError("examples per strength \(examplesPerAlpha) must be >= 0") }
        do { try sampling.validate() } catch { throw ConceptError("sampling: \(error)") }
    }
}

/// How completions are labelled by the judge.
public enum JudgeMode: String, Sendable, Codable, CaseIterable {
    /// One label per completion (the paper's text; default).
    case perSample = "per-sample"
    /// One label per prompt and strength: the K completions joined (`JudgePrompt.joined`), positive when any of them
    /// expresses the concept (the reference code).
    case anyOfK = "any-of-k"
}

/// A prompt of the sweep: its text (for reports) and tokens, and where the answer starts (steering positions).
public struct ConceptPrompt: Sendable, Equatable {
    public var text: String
    public var tokens: [Int32]
    /// The first answer token (after the chat template's assistant header), nil: the prompt's end.
    public var answerStart: Int?

    public init(text: String, tokens: [Int32], answerStart: Int? = nil) {
        self.text = text; self.tokens = tokens; self.answerStart = answerStart
    }

    /// `text` as a user message in `template` with the assistant's turn opened, or as raw text when `template` is nil.
    public init(text: String, tokenizer: Tokenizer, template: ChatTemplate?) {
        let addBOS = tokenizer.vocabulary.addsBOS
        if let template {
            let chat = template.render(messages: [ChatMessage(role: "user", content: text)], addGenerationPrompt: true)
            let encoding = chat.encode(with: tokenizer, addBOS: addBOS)
            self.init(text: text, tokens: encoding.ids, answerStart: chat.answerStartToken(in: encoding))
        } else {
            self.init(text: text, tokens: tokenizer.encode(text, parseSpecial: false, addBOS: addBOS).ids)
        }
    }
}

/// What steers the sweep: entries (vector files, spec entries) at unit scale, multiplied by each strength α
/// (`SteeringEntry.scaled(by:)`), composed per sequence with `SequenceSteering.compose`. α = 0 is not steered at all.
public struct ConceptSteering: Sendable {
    public var entries: [SteeringEntry]
    public var layers: LayerSelection?
    public var positions: PositionPolicy?
    public var cacheMode: CacheMode

    public init(entries: [SteeringEntry], layers: LayerSelection? = nil, positions: PositionPolicy? = nil,
                cacheMode: CacheMode = .steeredPersist) {
        self.entries = entries; self.layers = layers; self.positions = positions; self.cacheMode = cacheMode
    }

    /// One sequence's steering at strength `alpha` (nil at 0).
    public func sequence(alpha: Double, prompt: ConceptPrompt) throws -> SequenceSteering? {
        guard alpha != 0 else { return nil }
        return try SequenceSteering.compose(entries.map { $0.scaled(by: Float(alpha)) }, layers: layers, positions: positions,
                                            span: SequenceSpan(promptLength: prompt.tokens.count, answerStart: prompt.answerStart))
    }
}
