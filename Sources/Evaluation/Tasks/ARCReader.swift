/// arc-easy and arc-challenge: `{"id", "question", "choices", "label"}` per line.
enum ARCReader {
    static let layout = "{\"id\": integer, \"question\": string, \"choices\": [2 or more strings], \"label\": index of the correct choice}"

    static func prompt(question: String) -> String { "Question: \(question)\nAnswer:" }

    static func items(_ file: MCDataFile) throws -> [MCItem] {
        try file.jsonLines(layout: layout).enumerated().map { index, record in
            let id = try record.int("id")
            let question = try record.nonEmptyString("question")
            let choices = try record.choices("choices", count: 2...26)
            let correct = try record.index("label", into: "choices", count: choices.count)
            let prompt = MCPrompt.text(prompt(question: question))
            return MCItem(index: index, id: String(id), group: nil,
                          options: choices.map { MCOption(prompt: prompt, continuation: " " + $0) },
                          optionLabels: choices, key: .single(correct: correct))
        }
    }
}
