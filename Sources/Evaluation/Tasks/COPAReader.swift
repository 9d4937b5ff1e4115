/// copa and copa-cloze: copa_mc.jsonl, one `{"id", "split", "question", "asks_for", "choices", "label"}` per line.
enum COPAReader {
    static let layout = "{\"id\": integer, \"split\": \"dev\" or \"test\", \"question\": premise, \"asks_for\": \"cause\" or \"effect\", \"choices\": [2 strings], \"label\": 0 or 1}"

    /// The Spherical code's A/B prompt; each option is scored as " " + its choice.
    static func abPrompt(premise: String, asksFor: String, choices: [String]) -> String {
        "Question:\n\(premise) Based on the previous passage, choose the most reasonable \(asksFor).\nA: \(choices[0])\nB: \(choices[1])\n\nAnswer:"
    }

    /// lm-eval's cloze context: the premise (stripped) without its final ".", then " because" or " therefore".
    static func clozeContext(premise: String, asksFor: String) -> String? {
        let stripped = premise.strippedLikePython
        guard stripped.hasSuffix(".") else { return nil }
        return String(stripped.dropLast()) + (asksFor == "cause" ? " because" : " therefore")
    }

    /// lm-eval's cloze option, exactly: " " + the choice with its first character lower-cased. Three choices in the
    /// file (ids 129, 691, 705) start with a space, so theirs is the space and they keep their capital after two
    /// spaces, as in lm-eval; stripping them moves one decision (id 691) and the accuracy off llama.cpp's 0.663.
    static func clozeContinuation(choice: String) -> String { " " + choice.lowercasingFirstLikePython }

    static func items(_ file: MCDataFile, cloze: Bool) throws -> [MCItem] {
        try file.jsonLines(layout: layout).enumerated().map { index, record in
            let id = try record.int("id")
            let split = try record.oneOf("split", ["dev", "test"])
            let asksFor = try record.oneOf("asks_for", ["cause", "effect"])
            let premise = try record.nonEmptyString("question")
            let choices = try record.choices("choices", count: 2...2)
            let correct = try record.index("label", into: "choices", count: 2)
            let options: [MCOption]
            if cloze {
                guard let context = clozeContext(premise: premise, asksFor: asksFor) else {
                    throw record.error("question", "is \(MCDataRecord.describe(premise))", expected: "a premise ending in \".\"")
                }
                options = choices.map { MCOption(prompt: .text(context), continuation: clozeContinuation(choice: $0)) }
            } else {
                let prompt = MCPrompt.text(abPrompt(premise: premise, asksFor: asksFor, choices: choices))
                options = choices.map { MCOption(prompt: prompt, continuation: " " + $0) }
            }
            return MCItem(index: index, id: String(id), group: split, options: options, optionLabels: choices,
                          key: .single(correct: correct))
        }
    }
}
