import Foundation
import GGUF
import Testing
import TestSupport
import Tokenizers

/// Tests/Goldens/smollm2-tokenizer.json: llama.cpp's `llama_tokenize(add_special: false, parse_special: true)`.
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

    private static let loaded = Result { try GoldenFile.decode(TokenizerGolden.self, from: "smollm2-tokenizer.json") }
    static var shared: TokenizerGolden { get throws { try loaded.get() } }
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
