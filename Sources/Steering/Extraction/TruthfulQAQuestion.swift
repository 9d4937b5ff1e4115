import Foundation

/// One TruthfulQA question with its MC2 answers (data/truthfulqa/data/v1/mc_task.json, `mc2_targets`): every true
/// answer labelled 1, every false one 0.
public struct TruthfulQAQuestion: Sendable, Equatable {
    public var question: String
    /// The answers with their labels (true = a true answer). The file stores them as JSON object keys, whose order a
    /// JSON reader does not keep, so they are sorted: true answers first, then by text (Unicode scalar order), the
    /// same on every run and platform.
    public var answers: [(text: String, isTrue: Bool)]

    public init(question: String, answers: [(text: String, isTrue: Bool)]) {
        self.question = question; self.answers = answers
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.question == b.question && a.answers.map(\.text) == b.answers.map(\.text) && a.answers.map(\.isTrue) == b.answers.map(\.isTrue)
    }

    /// "Q: {question} A: {answer}", the labelled text of Spherical Steering (§2.1) and ITI (§1.4).
    public func text(answer: Int) -> String { "Q: \(question) A: \(answers[answer].text)" }

    /// Reads `path`: a JSON list of `{"question": str, "mc2_targets": {answer: 0 or 1}, ...}` (other keys ignored).
    /// `questions` keeps a 0-based range of the list (nil: all). Errors name the file, the 0-based question and the
    /// key.
    public static func load(path: String, questions: Range<Int>? = nil) throws -> [TruthfulQAQuestion] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExtractionError.unreadable(file: path, reason: error.localizedDescription)
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw ExtractionError.unreadable(file: path, reason: "not a JSON list of TruthfulQA questions (mc_task.json)")
        }
        let range = questions ?? 0..<list.count
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= list.count else {
            throw ExtractionError.badValue(option: "--questions", value: "\(range.lowerBound):\(range.upperBound)",
                                           expected: "a non-empty range A:B within the \(list.count) questions of \(path)")
        }
        return try range.map { index in
            func fail(_ problem: String) -> ExtractionError { .unreadable(file: path, reason: "question \(index): \(problem)") }
            guard let object = list[index] as? [String: Any] else { throw fail("not a JSON object") }
            guard let question = object["question"] as? String, !question.isEmpty else {
                throw fail("\"question\" is missing or not a non-empty string")
            }
            guard let targets = object["mc2_targets"] as? [String: Any] else {
                throw fail("\"mc2_targets\" is missing or not an object {answer: 0 or 1}")
            }
            let answers = try targets.map { answer, label -> (text: String, isTrue: Bool) in
                guard let number = label as? NSNumber, number.intValue == 0 || number.intValue == 1,
                      number.doubleValue == Double(number.intValue) else {
                    throw fail("the label of \"\(answer)\" in \"mc2_targets\" is \(label), expected 0 or 1")
                }
                return (answer, number.intValue == 1)
            }.sorted { a, b in
                a.isTrue != b.isTrue ? a.isTrue : a.text.unicodeScalars.lexicographicallyPrecedes(b.text.unicodeScalars)
            }
            return TruthfulQAQuestion(question: question, answers: answers)
        }
    }
}
