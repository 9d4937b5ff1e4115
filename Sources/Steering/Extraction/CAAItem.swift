import Foundation

/// One A/B item of CAA's datasets (data/caa/generate/<behaviour>/generate_dataset.json, test_dataset_ab.json): the
/// question with its lettered choices, the letter of the behaviour-matching answer and of the other one.
public struct CAAItem: Sendable, Equatable {
    public var question: String
    /// "A" for "(A)".
    public var matchingLetter: String
    public var notMatchingLetter: String

    public init(question: String, matchingLetter: String, notMatchingLetter: String) {
        self.question = question; self.matchingLetter = matchingLetter; self.notMatchingLetter = notMatchingLetter
    }

    /// Reads a JSON list of `{"question": str, "answer_matching_behavior": "(A)", "answer_not_matching_behavior":
    /// "(B)"}` (other keys ignored). Errors name the file, the 0-based item and the key.
    public static func load(path: String) throws -> [CAAItem] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExtractionError.unreadable(file: path, reason: error.localizedDescription)
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw ExtractionError.unreadable(file: path, reason: "not a JSON list of CAA A/B items")
        }
        guard !list.isEmpty else { throw ExtractionError.unreadable(file: path, reason: "no items (an empty list)") }
        return try list.enumerated().map { index, element in
            func fail(_ problem: String) -> ExtractionError {
                .unreadable(file: path, reason: "item \(index): \(problem)")
            }
            guard let object = element as? [String: Any] else { throw fail("not a JSON object") }
            func string(_ key: String) throws -> String {
                guard let value = object[key] else { throw fail("missing key \"\(key)\"") }
                guard let text = value as? String else { throw fail("\"\(key)\" must be a string") }
                return text
            }
            func letter(_ key: String) throws -> String {
                let answer = try string(key)
                let scalars = Array(answer.unicodeScalars)
                guard scalars.count == 3, scalars[0] == "(", scalars[2] == ")", ("A"..."Z").contains(scalars[1]) else {
                    throw fail("\"\(key)\" is \"\(answer)\", expected a letter in parentheses such as \"(A)\"")
                }
                return String(scalars[1])
            }
            let question = try string("question")
            guard !question.isEmpty else { throw fail("\"question\" is empty") }
            let item = CAAItem(question: question, matchingLetter: try letter("answer_matching_behavior"),
                               notMatchingLetter: try letter("answer_not_matching_behavior"))
            guard item.matchingLetter != item.notMatchingLetter else {
                throw fail("the matching and non-matching answers are both (\(item.matchingLetter))")
            }
            return item
        }
    }
}
