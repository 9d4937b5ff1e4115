import Foundation
import GGUF
import Testing
import TestSupport
import Tokenizers

/// ../shared/golden/smollm2-tokenizer.json: llama.cpp's `llama_tokenize(add_special: false, parse_special: true)`.
struct TokenizerGolden: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        let text: String
        let ids: [Int32]
        /// `llama_token_to_piece(special: true)`; a piece that is not valid UTF-8 is written as "<0xHH>" per byte.
        let pieces: [String]
        /// `llama_detokenize(unparse_special: true) == text`.
        let roundtrip_ok: Bool
        var testDescription: String { text.debugDescription }
    }
    let add_special: Bool
    let parse_special: Bool
    let cases: [Case]

    static let shared: TokenizerGolden = load("smollm2-tokenizer.json")
}

/// ../shared/golden/smollm2-q4_1.json: the prompts with llama.cpp's token ids and greedy continuations.
struct ModelGolden: Decodable {
    struct Prompt: Decodable, CustomTestStringConvertible {
        let id: String
        let text: String
        let tokens: [Int32]
        let token_pieces: [String]
        let greedy_tokens: [Int32]
        /// Index of the first end-of-generation token in `greedy_tokens` (EOG set {0, 2, 4}), -1 if none.
        let greedy_first_eog_index: Int
        var testDescription: String { id }
    }
    let prompts: [Prompt]

    static let shared: ModelGolden = load("smollm2-q4_1.json")
}

/// Goldens are part of the project's shared data: a missing or unreadable file stops the test run with its path.
private func load<T: Decodable>(_ name: String) -> T {
    let path = TestFileLocations.goldens.appending(path: name).path
    do {
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        fatalError("cannot read golden \(path): \(error)")
    }
}

/// The default model's tokenizer, loaded once for all tests (nil when the model file is absent outside CI).
enum SmolLM2 {
    static let loaded: Result<(file: GGUFFile, tokenizer: Tokenizer)?, any Error> = Result {
        guard let path = try TestFileLocations.defaultModelOrSkip() else { return nil }
        let file = try GGUFFile(path: path)
        return (file, try Tokenizer(file: file))
    }

    static func tokenizer() throws -> Tokenizer? { try loaded.get()?.tokenizer }
    static func file() throws -> GGUFFile? { try loaded.get()?.file }
}

/// A piece as the goldens write it: the text if the bytes are valid UTF-8, else "<0xHH>" for every byte.
func goldenPiece(_ bytes: some Collection<UInt8>) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    return bytes.map { "<0x" + ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) + ">" }.joined()
}
