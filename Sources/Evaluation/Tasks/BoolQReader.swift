/// boolq: `{"id", "question", "passage", "choices": ["no", "yes"], "label"}` per line.
enum BoolQReader {
    static let layout = "{\"id\": integer, \"question\": string, \"passage\": string, \"choices\": [\"no\", \"yes\"], \"label\": 0 or 1}"

    /// The questions already end in "?" (llm-foundry appended it).
    static func prompt(passage: String, question: String) -> String { "Passage: \(passage)\nQuestion: \(question)\nAnswer:" }

    static func items(_ file: MCDataFile) throws -> [MCItem] {
        try file.jsonLines(layout: layout).enumerated().map { index, record in
            let id = try record.int("id")
            let question = try record.nonEmptyString("question")
            let passage = try record.nonEmptyString("passage")
            let choices = try record.choices("choices", count: 2...2)
            let correct = try record.index("label", into: "choices", count: 2)
            let prompt = MCPrompt.text(prompt(passage: passage, question: question))
            return MCItem(index: index, id: String(id), group: nil,
                          options: choices.map { MCOption(prompt: prompt, continuation: " " + $0) },
                          optionLabels: choices, key: .single(correct: correct))
        }
    }
}
