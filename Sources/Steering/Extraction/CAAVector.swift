import Kernels
import Llama
import Tokenizers

/// CAA, Contrastive Activation Addition (steering-methods.md §1.2): per A/B item, the question as the user message
/// of the chat template, the assistant's turn started with "(" and a letter, and resid_post[N] read at that last
/// token (the letter, or a "(A"-style token that holds it); the vector is the mean over items of the
/// behaviour-matching minus the non-matching reading. Unnormalised, additive at resid_post[N], applied at every
/// position (`all`, EasyEdit's default). Original CAA steers from the end of the user instruction; applied only from
/// the last prompt token (the "(" before the letter), the effect on SmolLM2-135M's letter probabilities was small
/// and of either sign (corrigible-neutral-HHH, block 15, 50 test items, strengths -2/0/+2: 0.410/0.402/0.389 from
/// the prompt end against 0.350/0.402/0.446 at every position).
public enum CAAVector {
    /// The method name vector files record.
    public static let method = "caa"

    /// The tokens of one item answered with `letter`: template(user: question, assistant prompt) + "(" + letter.
    /// The answer is caller-supplied text (control-token text in it is not parsed).
    public static func tokens(question: String, letter: String, template: ChatTemplate, tokenizer: Tokenizer,
                              addBOS: Bool?) -> [Int32] {
        let rendered = template.render(messages: [ChatMessage(role: "user", content: question)], addGenerationPrompt: true)
        return tokenizer.encode(rendered.segments + [TextSegment("(" + letter, parseSpecial: false)], addBOS: addBOS,
                                addEOS: false).ids
    }

    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, tokenizer: Tokenizer, template: ChatTemplate,
                                                  addBOS: Bool?, items: [CAAItem], layers: [Int],
                                                  progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        func tokens(_ item: CAAItem, _ letter: String) -> [Int32] {
            Self.tokens(question: item.question, letter: letter, template: template, tokenizer: tokenizer, addBOS: addBOS)
        }
        var extracted = try MeanDifference.extract(model: model, positive: items.map { tokens($0, $0.matchingLetter) },
                                                   negative: items.map { tokens($0, $0.notMatchingLetter) },
                                                   layers: layers, reduction: .last, progress: progress)
        extracted.method = method
        extracted.inputKind = "items"
        extracted.settings["read_at"] = "the answer letter, the last token of template(question) + \"(\" + letter"
        extracted.application = ExtractedApplication(method: .additive, positions: .all)
        return extracted
    }
}
