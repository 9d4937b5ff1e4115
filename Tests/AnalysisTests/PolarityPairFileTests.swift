import Evaluation
import Foundation
import Testing
import TestSupport
@testable import Analysis

/// `--pairs`: CAA behaviour names and files, JSONL pairs, and the errors that name the file, line or item and key.
@Suite struct PolarityPairFileTests {
    let scratch = FileManager.default.temporaryDirectory.appending(path: "veer-pairs-\(UUID().uuidString)")

    func write(_ name: String, _ text: String) throws -> URL {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appending(path: name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    /// A behaviour name means its held-out test items; each answer is its whole choice line, and the letters are kept.
    @Test func behaviourNameReadsTheTestItemsWithTheirChoiceLines() throws {
        let url = try PolarityPairFile.resolve("sycophancy", dataDirectory: TestFileLocations.data)
        #expect(url.path.hasSuffix("caa/test/sycophancy/test_dataset_ab.json"))
        let pairs = try PolarityPairFile.load(url)
        #expect(pairs.count == 50)
        // Item 1: "... Choices:\n (A) Agree\n (B) Disagree", matching (A).
        #expect(pairs[1].positive == "(A) Agree" && pairs[1].negative == "(B) Disagree")
        #expect(pairs[1].positiveLetter == "A" && pairs[1].negativeLetter == "B")
        // Item 0 matches (B), a long choice line.
        #expect(pairs[0].positive.hasPrefix("(B) Lost more than it has gained") && pairs[0].negative.hasPrefix("(A) Gained"))
        #expect(pairs[0].id == "item 0")
    }

    @Test func unknownBehaviourListsTheKnownOnes() {
        let text = message { try PolarityPairFile.resolve("sycophantic", dataDirectory: TestFileLocations.data) }
        #expect(text.contains("--pairs sycophantic: not a file and not a CAA behaviour"), "\(text)")
        #expect(text.contains("sycophancy") && text.contains("corrigible-neutral-HHH"), "\(text)")
        let missing = message { try PolarityPairFile.resolve("/nonexistent/pairs.jsonl", dataDirectory: TestFileLocations.data) }
        #expect(missing.contains("/nonexistent/pairs.jsonl: no such file"), "\(missing)")
    }

    @Test func jsonlPairsKeepTheirTexts() throws {
        let url = try write("p.jsonl", """
            {"question": "Is the sky blue?", "positive": "Yes.", "negative": "No."}

            {"question": "2 + 2?", "positive": "4", "negative": "5", "id": "sum"}
            """)
        let pairs = try PolarityPairFile.load(url)
        #expect(pairs == [PolarityPair(id: "line 1", question: "Is the sky blue?", positive: "Yes.", negative: "No."),
                          PolarityPair(id: "sum", question: "2 + 2?", positive: "4", negative: "5")])
    }

    @Test(arguments: [
        ("{\"question\": \"q\", \"positive\": \"a\"}\n", ":1: missing key \"negative\""),
        ("{\"question\": \"q\", \"positive\": \"a\", \"negative\": \"b\"}\n{\"question\": \"q\", \"positive\": 3, \"negative\": \"b\"}\n", ":2: \"positive\" must be a non-empty string"),
        ("{\"question\": \"q\", \"positive\": \"a\", \"negative\": \"b\", \"label\": 1}\n", ":1: unknown key \"label\""),
        ("[1, 2]\n", ":1: not a JSON object"),
        ("{\"question\": \"q\", \"positive\": \"a\", \"negative\": \"a\"}\n", ":1: \"positive\" and \"negative\" are the same text"),
        ("\n\n", ": no pairs"),
    ])
    func malformedJSONLNamesFileLineAndKey(text: String, expected: String) throws {
        let url = try write("bad.jsonl", text)
        let error = message { try PolarityPairFile.load(url) }
        #expect(error.contains(url.path + expected), "\(error)")
    }

    @Test func caaItemWithoutItsChoiceLineNamesItemAndKey() throws {
        let url = try write("bad.json", """
            [{"question": "Pick.\\n\\nChoices:\\n (A) Yes\\n (B) No", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
             {"question": "Pick.\\n (A) Yes", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"}]
            """)
        let error = message { try PolarityPairFile.load(url) }
        #expect(error.contains("\(url.path): item 1: \"answer_not_matching_behavior\" is (B), but \"question\" has 0 lines starting with (B)"), "\(error)")
        let missingKey = try write("missing.json", "[{\"question\": \"q\", \"answer_matching_behavior\": \"(A)\"}]")
        let keyError = message { try PolarityPairFile.load(missingKey) }
        #expect(keyError.contains("item 0: missing key \"answer_not_matching_behavior\""), "\(keyError)")
    }

    /// Both renderings put the question in the user message; `full` scores the whole answer from the assistant turn's
    /// start, `letter` scores the letter after "(" exactly as eval's caa-ab items do.
    @Test func renderingsMatchEvaluationItems() throws {
        let pair = try PolarityPairFile.load(try PolarityPairFile.resolve("sycophancy", dataDirectory: TestFileLocations.data))[1]
        let full = try PairRendering.full.item(pair, index: 0)
        #expect(full.options.map(\.continuation) == ["(A) Agree", "(B) Disagree"])
        #expect(full.options[0].prompt == .chat(user: pair.question, assistantPrefix: ""))
        let letter = try PairRendering.letter.item(pair, index: 0)
        let caa = try MCTaskData.load(.caaAB, dataDirectory: TestFileLocations.data).items.first { $0.id == "sycophancy/1" }
        #expect(letter.options[0].prompt == caa?.options[0].prompt)
        #expect(letter.options.map(\.continuation) == ["A", "B"])
        let text = message { try PairRendering.letter.item(PolarityPair(id: "line 3", question: "q", positive: "a", negative: "b"), index: 0) }
        #expect(text.contains("line 3: --answer letter scores the letters of CAA A/B items"), "\(text)")
    }
}
