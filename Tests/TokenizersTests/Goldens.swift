import Foundation
import GGUF
import Testing
import TestSupport
import Tokenizers

/// Tests/Goldens/smollm2-tokenizer.json and gemma3-tokenizer.json: llama.cpp's
/// `llama_tokenize(add_special: false, parse_special: true)` with the pieces and round trip of each string.
struct TokenizerGolden: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        let text: String
        let ids: [Int32]
        /// `llama_token_to_piece(special: true)`; a piece that is not valid UTF-8 is written as "<0xHH>" per byte.
        let pieces: [String]
        /// `llama_detokenize(unparse_special: true) == text`.
        let roundtrip_ok: Bool
        /// Gemma only: the ids with the model's own BOS setting (llama-tokenize without --no-bos).
        let ids_default: [Int32]?
        /// Gemma only, for strings with '<' or '[': the ids with special parsing off.
        let ids_no_parse_special: [Int32]?
        var testDescription: String { text.debugDescription }
    }
    let add_special: Bool
    let parse_special: Bool
    let cases: [Case]

    private static let loaded = Result { try GoldenFile.decode(TokenizerGolden.self, from: "smollm2-tokenizer.json") }
    static var shared: TokenizerGolden { get throws { try loaded.get() } }
    private static let loadedGemma3 = Result { try GoldenFile.decode(TokenizerGolden.self, from: "gemma3-tokenizer.json") }
    static var gemma3: TokenizerGolden { get throws { try loadedGemma3.get() } }

    /// Checks `tokenizer` against one golden string: ids without BOS, pieces, the round trip, and where recorded
    /// the ids with the model's BOS default and with special parsing off.
    static func check(_ tokenizer: Tokenizer, _ golden: Case) {
        let encoding = tokenizer.encode(golden.text, parseSpecial: true, addBOS: false)
        #expect(encoding.ids == golden.ids)
        #expect(!encoding.usedBOS)
        #expect(encoding.ids.map { goldenPiece(tokenizer.bytes(of: $0, renderSpecial: true)) } == golden.pieces)
        let roundTrip = tokenizer.detokenize(encoding.ids, renderSpecial: true) == Array(golden.text.utf8)
        #expect(roundTrip == golden.roundtrip_ok)
        if let expected = golden.ids_default {
            #expect(tokenizer.encode(golden.text).ids == expected)
        }
        if let expected = golden.ids_no_parse_special {
            #expect(tokenizer.encode(golden.text, parseSpecial: false, addBOS: false).ids == expected)
        }
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

/// Gemma 3 270M's tokenizer (SentencePiece, 262144 tokens), loaded once; nil when the model is not cached.
enum Gemma3 {
    static let loaded: Result<(file: GGUFFile, tokenizer: Tokenizer)?, any Error> = Result {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return nil }
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
