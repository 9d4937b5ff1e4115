import Foundation

/// One hand-labelled completion of the judge-accuracy set (data/judge/completions.jsonl): JSON lines
/// `{"concept": "refusal", "text": "...", "label": 1}` with exactly those keys, label 1 when the text expresses the
/// concept and 0 when it does not.
public struct LabelledCompletion: Codable, Equatable, Sendable {
    public var concept: String
    public var text: String
    public var label: Int

    public init(concept: String, text: String, label: Int) {
        self.concept = concept; self.text = text; self.label = label
    }

    /// Reads a labelled set; every problem names the file and line (1-based). Blank lines are skipped.
    public static func load(path: String) throws -> [LabelledCompletion] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConceptError("\(path): cannot read the labelled completions (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConceptError("\(path): the labelled completions are not UTF-8 text") }
        return try parse(text, source: path)
    }

    /// Parses JSON lines (see `load`); `source` names the text in errors.
    public static func parse(_ text: String, source: String) throws -> [LabelledCompletion] {
        var items: [LabelledCompletion] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let place = "\(source) line \(index + 1)"
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw ConceptError("\(place): not a JSON object")
            }
            let keys = Set(object.keys)
            guard keys == ["concept", "text", "label"] else {
                throw ConceptError("\(place): expected exactly the keys concept, text, label; found \(keys.sorted().joined(separator: ", "))")
            }
            // Typed decoding: a label of true or "1" is refused rather than converted.
            let item: LabelledCompletion
            do { item = try JSONDecoder().decode(LabelledCompletion.self, from: Data(trimmed.utf8)) } catch {
                throw ConceptError("\(place): concept and text must be strings and label the number 0 or 1 (\(error))")
            }
            let concept = item.concept, text = item.text, label = item.label
            guard !concept.isEmpty else { throw ConceptError("\(place): \"concept\" must be a non-empty string") }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ConceptError("\(place): \"text\" must be a non-empty string")
            }
            guard label == 0 || label == 1 else { throw ConceptError("\(place): \"label\" must be 0 or 1, found \(label)") }
            items.append(LabelledCompletion(concept: concept, text: text, label: label))
        }
        guard !items.isEmpty else { throw ConceptError("\(source): no labelled completions") }
        return items
    }
}
