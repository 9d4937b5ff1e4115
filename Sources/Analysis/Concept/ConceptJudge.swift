import Evaluation
import Foundation
import Kernels
import Llama
import Tokenizers

/// A judge model (any Llama-architecture GGUF, run unsteered) that says whether texts express a concept, one
/// `JudgeVerdict` per text, from its next-token log-probabilities after the judge prompt (`JudgePrompt`).
///
/// The prompt goes in the judge's chat template as one user message with the assistant's turn opened (when a
/// template is given: an instruct judge answers its own format), else as raw text. The answer tokens are "1" and "0"
/// and, where the vocabulary has them as single tokens, " 1" and " 0" (a raw prompt ending in "Answer:" is usually
/// followed by the spaced form). Their log-probabilities come from `MCScorer` (each answer a one-token
/// continuation of the prompt, prompts batched over the judge's KV-cache slots).
public final class ConceptJudge<B: ComputeBackend> {
    public let model: LlamaModel<B>
    public let tokenizer: Tokenizer
    /// The chat template the prompt is wrapped in; nil: the raw prompt.
    public let template: ChatTemplate?
    /// What the judge is, for reports (e.g. its file path).
    public let name: String
    /// Answer tokens for 1 and for 0.
    public let yesTokens: [Int32]
    public let noTokens: [Int32]
    private let scorer: MCScorer<B>

    /// A judge on `model`; throws when neither "1" nor "0" is a single token of its vocabulary.
    public init(model: LlamaModel<B>, tokenizer: Tokenizer, template: ChatTemplate?, name: String) throws {
        self.model = model
        self.tokenizer = tokenizer
        self.template = template
        self.name = name
        func answerTokens(_ digit: String) throws -> [Int32] {
            let forms = [digit, " " + digit].compactMap { form -> Int32? in
                let ids = tokenizer.encode(form, parseSpecial: false, addBOS: false, addEOS: false).ids
                return ids.count == 1 ? ids[0] : nil
            }
            guard forms.contains(where: { tokenizer.decode([$0]) == digit }) else {
                throw ConceptError("judge \(name): \"\(digit)\" is not one token of its vocabulary, so its answer cannot be read from one next-token distribution")
            }
            return Array(Set(forms)).sorted()
        }
        yesTokens = try answerTokens("1")
        noTokens = try answerTokens("0")
        scorer = try MCScorer(model: model)
    }

    /// The prompt tokens for judging `text` for `concept`.
    public func promptTokens(text: String, concept: String) -> [Int32] {
        let prompt = JudgePrompt.render(text: text, concept: concept)
        let addBOS = tokenizer.vocabulary.addsBOS
        guard let template else { return tokenizer.encode(prompt, parseSpecial: false, addBOS: addBOS).ids }
        return template.render(messages: [ChatMessage(role: "user", content: prompt)], addGenerationPrompt: true)
            .encode(with: tokenizer, addBOS: addBOS).ids
    }

    /// One verdict per text. Throws when the judge's logits are degenerate (it runs unsteered, so that means a
    /// broken judge model) or a prompt does not fit its context.
    public func judge(_ texts: [String], concept: String) throws -> [JudgeVerdict] {
        guard !texts.isEmpty else { return [] }
        let answers = (yesTokens + noTokens).map { [$0] }
        let requests = texts.map { ScoringRequest(prompt: promptTokens(text: $0, concept: concept), continuations: answers) }
        let scores: [[ContinuationScore]]
        do { scores = try scorer.score(requests) } catch let error as ScoringError {
            throw ConceptError("judge \(name): \(error) (the judged text is capped at \(JudgePrompt.characterCap) characters; give the judge a larger context)")
        }
        return try scores.enumerated().map { i, options in
            if options.contains(where: \.degenerate) {
                throw ConceptError("judge \(name): degenerate logits while judging text \(i); the judge runs unsteered, so its weights may be damaged")
            }
            let logprobs = options.map { $0.logprobs[0] }
            return try JudgeVerdict.decide(yesLogprobs: Array(logprobs.prefix(yesTokens.count)),
                                           noLogprobs: Array(logprobs.suffix(noTokens.count)))
        }
    }

    /// The judge's accuracy on the items of `set` labelled for `concept`.
    public func accuracy(on set: [LabelledCompletion], concept: String) throws -> JudgeAccuracy {
        let items = try LabelledCompletion.items(set, concept: concept)
        let verdicts = try judge(items.map(\.text), concept: concept)
        return try JudgeAccuracy(scorer: "judge \(name)", concept: concept, truth: items.map(\.label),
                                 predicted: verdicts.map(\.label), scores: verdicts.map(\.probabilityYes))
    }
}
