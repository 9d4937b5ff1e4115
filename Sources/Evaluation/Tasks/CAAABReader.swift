/// caa-ab: caa_ab_mc.jsonl, `{"behavior", "split", "idx", "question", "choices": ["(A)", ...], "label", ...}` per
/// line. The task is the seven behaviours' test rows; the file's "mmlu" and "truthfulqa" rows (CAA's capability
/// checks, other benchmarks) are skipped, as are rows of another split (the file has none).
enum CAAABReader {
    static let layout = "{\"behavior\": string, \"split\": string, \"idx\": integer, \"question\": string, \"choices\": [\"(A)\", \"(B)\", ...], \"label\": index of the behaviour-matching choice}"

    /// Behaviour rows that are not part of the task.
    static let otherBenchmarks: Set<String> = ["mmlu", "truthfulqa"]

    static func items(_ file: MCDataFile) throws -> [MCItem] {
        let records = try file.jsonLines(layout: layout)
        var items: [MCItem] = []
        for record in records {
            let behavior = try record.nonEmptyString("behavior")
            guard !otherBenchmarks.contains(behavior), try record.string("split") == "test" else { continue }
            let idx = try record.int("idx")
            let question = try record.nonEmptyString("question")
            let choices = try record.choices("choices", count: 2...26)
            let letters = try choices.enumerated().map { offset, choice in try letter(choice, key: "choices[\(offset)]", record) }
            guard Set(letters).count == letters.count else {
                throw record.error("choices", "repeats a letter (\(choices.joined(separator: ", ")))", expected: "distinct letters")
            }
            let matching = try record.index("label", into: "choices", count: choices.count)
            let prompt = MCPrompt.chat(user: question, assistantPrefix: "(")
            items.append(MCItem(index: items.count, id: "\(behavior)/\(idx)", group: behavior,
                                options: letters.map { MCOption(prompt: prompt, continuation: $0) },
                                optionLabels: letters, key: .matching(index: matching)))
        }
        return items
    }

    /// "(A)" -> "A": the letter the assistant writes after "(".
    private static func letter(_ choice: String, key: String, _ record: MCDataRecord) throws -> String {
        let scalars = Array(choice.unicodeScalars)
        guard scalars.count == 3, scalars[0] == "(", scalars[2] == ")", ("A"..."Z").contains(scalars[1]) else {
            throw record.error(key, "is \(MCDataRecord.describe(choice))", expected: "a capital letter in parentheses such as \"(A)\"")
        }
        return String(scalars[1])
    }
}
