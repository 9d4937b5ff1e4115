/// winogrande: `{"id", "context_options", "continuation", "label", ...}` per line, llm-foundry's partial-scoring
/// form (its full-sentence "choices" are not read).
enum WinograndeReader {
    static let layout = "{\"id\": integer, \"context_options\": [the sentence up to the blank with each option], \"continuation\": the text after the blank, \"label\": index of the correct option}"

    static func items(_ file: MCDataFile) throws -> [MCItem] {
        try file.jsonLines(layout: layout).enumerated().map { index, record in
            let id = try record.int("id")
            let contexts = try record.choices("context_options", count: 2...2)
            let continuation = try record.nonEmptyString("continuation")
            let correct = try record.index("label", into: "context_options", count: contexts.count)
            return MCItem(index: index, id: String(id), group: nil,
                          options: contexts.map { MCOption(prompt: .text($0), continuation: " " + continuation) },
                          optionLabels: contexts, key: .single(correct: correct))
        }
    }
}
