/// hellaswag: `{"id", "question": ctx, "choices": endings, "label", "activity_label", "split_type", ...}` per line.
enum HellaSwagReader {
    static let layout = "{\"id\": integer, \"question\": ctx, \"choices\": [2 or more endings], \"label\": index of the correct ending, \"activity_label\": string, \"split_type\": string}"

    /// lm-eval's HellaSwag `preprocess`: strip; " [title]" becomes ". " (WikiHow's section titles end a sentence);
    /// every other bracketed marker such as "[header]" or "[step]" is removed; then "  " becomes " " in one pass.
    static func preprocess(_ text: String) -> String {
        text.strippedLikePython
            .replacingLikePython(" [title]", with: ". ")
            .removingBracketedLikePython
            .replacingLikePython("  ", with: " ")
    }

    static func items(_ file: MCDataFile) throws -> [MCItem] {
        try file.jsonLines(layout: layout).enumerated().map { index, record in
            let id = try record.int("id")
            let context = try record.nonEmptyString("question")
            let activity = try record.nonEmptyString("activity_label")
            let splitType = try record.nonEmptyString("split_type")
            let endings = try record.choices("choices", count: 2...26)
            let correct = try record.index("label", into: "choices", count: endings.count)
            let prompt = MCPrompt.text(preprocess(activity + ": " + context))
            return MCItem(index: index, id: String(id), group: splitType,
                          options: endings.map { MCOption(prompt: prompt, continuation: " " + preprocess($0)) },
                          optionLabels: endings, key: .single(correct: correct))
        }
    }
}
