import Testing
import TestSupport
import Tokenizers

/// Tests/Goldens/pretokenizer-words.json: llama.cpp's `unicode_regex_split` with the Llama 3 (llama-bpe) and Qwen2
/// pre-tokenizer regexes, against the hand-written scanners.
struct PreTokenizerWordsGolden: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        let text: String
        let llamaBPE: [String]
        let qwen2: [String]
        enum CodingKeys: String, CodingKey {
            case text, qwen2
            case llamaBPE = "llama-bpe"
        }
        var testDescription: String { text.debugDescription }
    }
    let cases: [Case]

    private static let loaded = Result { try GoldenFile.decode(PreTokenizerWordsGolden.self, from: "pretokenizer-words.json") }
    static var shared: PreTokenizerWordsGolden { get throws { try loaded.get() } }
}

@Suite struct PreTokenizerGoldenTests {
    @Test func goldenHasTheStrings() throws {
        #expect(try PreTokenizerWordsGolden.shared.cases.count >= 100)
    }

    @Test(arguments: try PreTokenizerWordsGolden.shared.cases)
    func splitsAsLlamaCpp(_ golden: PreTokenizerWordsGolden.Case) throws {
        // Compared as bytes: String equality would accept canonically equivalent but different splits.
        func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
        #expect(bytes(try #require(PreTokenizer(name: "llama-bpe")).words(in: golden.text)) == bytes(golden.llamaBPE))
        #expect(bytes(try #require(PreTokenizer(name: "qwen2")).words(in: golden.text)) == bytes(golden.qwen2))
    }
}
