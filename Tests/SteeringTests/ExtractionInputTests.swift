import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Steering

/// Extraction inputs and llama.cpp's cvector arithmetic on small hand-made cases (no forward pass).
@Suite("Extraction: inputs and cvector arithmetic") struct ExtractionInputTests {
    static func file(_ content: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appending(path: "veer-pairs-\(UUID().uuidString).jsonl")
        try Data(content.utf8).write(to: url)
        return url.path
    }

    @Test func pairsLoadFromJSONL() throws {
        let path = try Self.file("{\"positive\": \"happy\\n\", \"negative\": \"sad\", \"id\": 1}\r\n\r\n{\"negative\": \"b\", \"positive\": \"a\"}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ContrastivePair.loadPairs(path: path) == [.init(positive: "happy\n", negative: "sad"), .init(positive: "a", negative: "b")])
    }

    @Test(arguments: [
        ("{\"positive\": \"a\", \"negative\": \"b\"}\n{\"positive\": \"a\"}\n", 2, "missing key \"negative\""),
        ("{\"positive\": \"a\", \"negative\": \"b\"}\n\nnot json\n", 3, "not a JSON object"),
        ("{\"positive\": 1, \"negative\": \"b\"}\n", 1, "\"positive\" must be a string"),
    ])
    func badPairLinesAreNamed(content: String, line: Int, problem: String) throws {
        let path = try Self.file(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ExtractionError.badLine(file: path, line: line, problem: problem)) { try ContrastivePair.loadPairs(path: path) }
    }

    @Test func emptyPairFilesAreErrors() throws {
        let path = try Self.file("\n\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ExtractionError.noPairs(file: path)) { try ContrastivePair.loadPairs(path: path) }
    }

    @Test func llamaCppEscapesBecomeTheirBytes() {
        let process: (String) -> String = LlamaCppPromptFile.processEscapes
        #expect(process(#"a\nb\tc\\d\"e\'f"#) == "a\nb\tc\\d\"e'f")
        #expect(process(#"\x41\x4a!"#) == "AJ!")
        #expect(process(#"\q \x4 \xzz end\"#) == #"\q \x4 \xzz end\"#)
        #expect(process(#"<|im_start|>user\nHi<|im_end|>\n"#) == "<|im_start|>user\nHi<|im_end|>\n")
    }

    @Test func llamaCppPromptFilesSkipEmptyLinesAndKeepCarriageReturns() throws {
        let path = try Self.file("one\\ntwo\n\nthree\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try LlamaCppPromptFile.load(path: path) == ["one\ntwo", "three\r"])
    }

    /// Rows with no element above 1e-6 are dropped (a signed test: an all-negative diff row goes too), the rest are
    /// summed in row order.
    @Test func cvectorKeepsRowsWithAnElementAboveTheThreshold() {
        let positive: [Float] = [1, 2, /**/ 5, 5, /**/ 0, 0, /**/ 3, 1e-7]   // [4, 2]
        let negative: [Float] = [1, 2, /**/ 6, 7, /**/ 0, -1, /**/ 1, 0]
        var sum: [Float] = [10, 20]
        let kept = CVectorMean.addNonZeroDiffRows(positive, negative, width: 2, into: &sum)
        // Row 0: zero; row 1: (-1, -2) all negative, dropped; row 2: (0, 1) kept; row 3: (2, 1e-7) kept.
        #expect(kept == 2)
        #expect(sum == [12, 21])   // 1e-7 is below half an f32 ulp of 21: llama.cpp's f32 sum drops it too
        #expect(CVectorMean.normalized([3, 4]) == [0.6, 0.8])
    }

    @Test(.enabled(if: ModelFixture.path != nil))
    func cvectorPadsTheShorterTextWithTheSpaceToken() throws {
        let tokenizer = try Tokenizer(file: ModelFixture.file)
        let space = tokenizer.encode(" ", parseSpecial: false, addBOS: false, addEOS: false).ids
        #expect(space.count == 1)
        let pairs = [ContrastivePair(positive: "<|im_start|>user\nI am very happy today", negative: "<|im_start|>user\nsad")]
        let padded = CVectorMean.tokenize(pairs, tokenizer: tokenizer)[0]
        let positive = tokenizer.encode(pairs[0].positive, parseSpecial: true, addBOS: false).ids
        let negative = tokenizer.encode(pairs[0].negative, parseSpecial: true, addBOS: false).ids
        #expect(positive[0] == 1, "<|im_start|> is parsed as the control token")
        #expect(padded.positive == positive)
        #expect(padded.negative == negative + [Int32](repeating: space[0], count: positive.count - negative.count))
    }
}
