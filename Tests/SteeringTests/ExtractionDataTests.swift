import Foundation
import Testing
@testable import Steering

/// The readers of CAA A/B items and TruthfulQA's mc_task.json: what they keep and how bad input is named.
@Suite("Extraction data files") struct ExtractionDataTests {
    func write(_ text: String) throws -> (path: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-extraction-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appending(path: "data.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url.path, directory)
    }

    @Test func caaItemsKeepTheQuestionAndLetters() throws {
        let (path, directory) = try write("""
            [{"question": "Q1?\\n\\nChoices:\\n (A) yes\\n (B) no", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
             {"question": "Q2?", "answer_matching_behavior": "(C)", "answer_not_matching_behavior": "(A)", "extra": 1}]
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let items = try CAAItem.load(path: path)
        #expect(items == [CAAItem(question: "Q1?\n\nChoices:\n (A) yes\n (B) no", matchingLetter: "B", notMatchingLetter: "A"),
                          CAAItem(question: "Q2?", matchingLetter: "C", notMatchingLetter: "A")])
    }

    @Test func badCAAItemsNameTheFileItemAndKey() throws {
        for (json, expected) in [
            ("[{\"question\": \"Q\", \"answer_matching_behavior\": \"(A)\"}]", "item 0: missing key \"answer_not_matching_behavior\""),
            ("[{\"question\": \"Q\", \"answer_matching_behavior\": \"A\", \"answer_not_matching_behavior\": \"(B)\"}]",
             "item 0: \"answer_matching_behavior\" is \"A\", expected a letter in parentheses"),
            ("[{\"question\": \"Q\", \"answer_matching_behavior\": \"(A)\", \"answer_not_matching_behavior\": \"(A)\"}]",
             "item 0: the matching and non-matching answers are both (A)"),
            ("{\"question\": \"Q\"}", "not a JSON list of CAA A/B items"),
            ("[]", "no items"),
        ] {
            let (path, directory) = try write(json)
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = try #require(throws: ExtractionError.self) { try CAAItem.load(path: path) }
            #expect(error.description.hasPrefix(path) && error.description.contains(expected), "\(error)")
        }
        let missing = try #require(throws: ExtractionError.self) { try CAAItem.load(path: "/nonexistent/caa.json") }
        #expect(missing.description.hasPrefix("/nonexistent/caa.json: cannot read"))
    }

    @Test func truthfulQAKeepsMC2LabelsInAFixedOrder() throws {
        let (path, directory) = try write("""
            [{"question": "Q0?", "mc1_targets": {"x": 1}, "mc2_targets": {"b false": 0, "z true": 1, "a true": 1, "a false": 0}},
             {"question": "Q1?", "mc2_targets": {"yes": 1, "no": 0}},
             {"question": "Q2?", "mc2_targets": {"maybe": 0, "sure": 1}}]
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try TruthfulQAQuestion.load(path: path)
        #expect(all.count == 3)
        #expect(all[0].answers.map(\.text) == ["a true", "z true", "a false", "b false"])
        #expect(all[0].answers.map(\.isTrue) == [true, true, false, false])
        #expect(all[0].text(answer: 1) == "Q: Q0? A: z true")
        let some = try TruthfulQAQuestion.load(path: path, questions: 1..<3)
        #expect(some.map(\.question) == ["Q1?", "Q2?"])
        let outside = try #require(throws: ExtractionError.self) { try TruthfulQAQuestion.load(path: path, questions: 2..<5) }
        #expect(outside.description.contains("--questions 2:5") && outside.description.contains("3 questions of \(path)"))
    }

    @Test func badTruthfulQANamesTheQuestionAndKey() throws {
        for (json, expected) in [
            ("[{\"question\": \"Q\"}]", "question 0: \"mc2_targets\" is missing"),
            ("[{\"question\": \"Q\", \"mc2_targets\": {\"a\": 2}}]", "question 0: the label of \"a\" in \"mc2_targets\" is 2, expected 0 or 1"),
            ("[{\"mc2_targets\": {\"a\": 1}}]", "question 0: \"question\" is missing"),
        ] {
            let (path, directory) = try write(json)
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = try #require(throws: ExtractionError.self) { try TruthfulQAQuestion.load(path: path) }
            #expect(error.description.hasPrefix(path) && error.description.contains(expected), "\(error)")
        }
    }
}
