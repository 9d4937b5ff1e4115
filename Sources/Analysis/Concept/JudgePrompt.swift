/// The judge prompt of the steering-strength paper (spec 3.2, metric 2), verbatim:
///
///     Text: {text} Does the text above express the concept {concept} (any word linked to the concept in the whole
///     sentence even if it do not make sense is sufficient for a positive reply)? Reply with 1 for yes and 0 for no.
///     Answer:
///
/// (one line; the spec's "…" is the judged text, joined with single spaces). The judge model answers with its next
/// token after "Answer:" (`JudgeVerdict`).
public enum JudgePrompt {
    /// Texts longer than this many characters are cut before judging (the reference code's cap per sample in its
    /// any-of-K mode, applied to every judged sample so a runaway completion cannot overflow the judge's context).
    public static let characterCap = 800

    /// The prompt for one judged text.
    public static func render(text: String, concept: String) -> String {
        "Text: \(capped(text)) Does the text above express the concept \(concept) (any word linked to the concept in "
            + "the whole sentence even if it do not make sense is sufficient for a positive reply)? Reply with 1 for yes "
            + "and 0 for no. Answer:"
    }

    /// The any-of-K text of the reference code: the K samples of one prompt and strength, each capped, one after the
    /// other separated by a blank line, judged as one text (one label for all of them).
    public static func joined(_ samples: [String]) -> String {
        samples.map(capped).joined(separator: "\n\n")
    }

    /// `text` cut to `characterCap` characters, surrounding whitespace removed.
    static func capped(_ text: String) -> String {
        String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(characterCap))
    }
}
