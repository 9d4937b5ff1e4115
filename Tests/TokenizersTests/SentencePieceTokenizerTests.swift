import GGUF
import Tokenizers
import Testing

/// A hand-made SentencePiece vocabulary (`tokenizer.ggml.model = "llama"`): merge order by score, the space prefix,
/// byte fallback and metadata errors, without a model file.
@Suite struct SentencePieceTokenizerTests {
    /// 0 <unk>, 1 <s>, 2 </s> (control), 3 <tool> (user-defined), 4...259 <0x00>...<0xFF>, then `words`.
    static let words: [(String, Float)] = [
        ("▁", -1), ("a", -2), ("b", -2), ("c", -2), ("ab", -5), ("bc", -4), ("aa", -6), ("▁a", -3), ("▁ab", -1),
        ("é", -2), ("▁b", -3),
    ]

    static func metadata(addSpacePrefix: Bool? = true, scores: [Float]? = nil,
                         byteTokens: Bool = true) throws -> GGUFMetadata {
        let bytes = byteTokens ? (0..<256).map { "<0x" + ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) + ">" } : []
        let tokens = ["<unk>", "<s>", "</s>", "<tool>"] + bytes + words.map(\.0)
        let types: [Int32] = [2, 3, 3, 4] + bytes.map { _ in 6 } + words.map { _ in 1 }
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("llama"))
        writer.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        writer.set("tokenizer.ggml.token_type", .array(.int32(types)))
        writer.set("tokenizer.ggml.scores",
                   .array(.float32(scores ?? ([0, 0, 0, 0] + bytes.map { _ in 0 } + words.map(\.1)))))
        if let addSpacePrefix { writer.set("tokenizer.ggml.add_space_prefix", .bool(addSpacePrefix)) }
        return try GGUFFile(bytes: try writer.serialize(), name: "spm.gguf").metadata
    }

    static func tokens(_ tokenizer: Tokenizer, _ text: String, parseSpecial: Bool = true) -> [String] {
        tokenizer.encode(text, parseSpecial: parseSpecial, addBOS: false).ids.map { tokenizer.tokenText($0)! }
    }

    @Test func mergesFollowScoreThenPosition() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata(addSpacePrefix: false))
        #expect(tokenizer.kind == .sentencePiece && tokenizer.preTokenizer == nil)
        #expect(Self.tokens(tokenizer, "abc") == ["a", "bc"])  // "bc" (-4) outscores "ab" (-5)
        #expect(Self.tokens(tokenizer, "aaa") == ["aa", "a"])  // equal scores: the leftmost pair first
        #expect(Self.tokens(tokenizer, "ab ab") == ["ab", "▁ab"])  // spaces become U+2581 and merge like letters
        #expect(Self.tokens(tokenizer, "a b") == ["a", "▁b"])
        // Not a token: the character's bytes.
        #expect(Self.tokens(tokenizer, "ü") == ["<0xC3>", "<0xBC>"])
        #expect(Self.tokens(tokenizer, "é") == ["é"])
        #expect(Self.tokens(tokenizer, "") == [])
    }

    @Test func spacePrefixStartsTextAndFollowsSpecialTokens() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata())
        #expect(tokenizer.addsSpacePrefix)
        #expect(Self.tokens(tokenizer, "ab") == ["▁ab"])
        #expect(Self.tokens(tokenizer, "ab<s>ab") == ["▁ab", "<s>", "▁ab"])
        #expect(Self.tokens(tokenizer, "a<tool>b") == ["▁a", "<tool>", "▁b"])
        #expect(Self.tokens(tokenizer, "ab<s>ab", parseSpecial: false).contains("<s>") == false)
        // Byte ranges: the prefix space belongs to the first token but covers no input.
        #expect(tokenizer.encode("ab b", addBOS: false).byteRanges == [0..<2, 2..<4])
        // Decoding drops the leading space the prefix put there, once, from the first token; after a BOS the
        // space stays, as in llama.cpp's llama_detokenize (the BOS is the first token either way).
        #expect(tokenizer.decode(tokenizer.encode("ab b", addBOS: false).ids) == "ab b")
        #expect(tokenizer.decode(tokenizer.encode("ab b").ids) == " ab b")
        #expect(tokenizer.decode(tokenizer.encode(" ab", addBOS: false).ids) == " ab")
        // Defaults without the key: a space prefix and BOS, as llama.cpp's SentencePiece defaults.
        let defaulted = try Tokenizer(metadata: try Self.metadata(addSpacePrefix: nil))
        #expect(defaulted.addsSpacePrefix && defaulted.vocabulary.addsBOS)
        #expect(defaulted.vocabulary.bos == 1 && defaulted.vocabulary.eos == 2 && defaulted.vocabulary.unknown == 0)
        #expect(defaulted.encode("ab").ids.first == 1)
    }

    @Test func piecesRestoreSpacesAndBytes() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata(addSpacePrefix: false))
        let ids = tokenizer.encode("a ü<s>", addBOS: false).ids
        #expect(tokenizer.decode(ids) == "a ü")
        #expect(tokenizer.decode(ids, renderSpecial: true) == "a ü<s>")
        #expect(Array(tokenizer.bytes(of: try #require(tokenizer.vocabulary.id(of: "▁ab")))) == Array(" ab".utf8))
        #expect(Array(tokenizer.bytes(of: try #require(tokenizer.vocabulary.id(of: "<0xC3>")))) == [0xC3])
    }

    @Test func metadataProblemsAreNamed() throws {
        #expect(throws: TokenizerError.invalidVocabulary(file: "spm.gguf", detail:
            "tokenizer.ggml.scores has 3 entries for 271 tokens")) {
            try Tokenizer(metadata: try Self.metadata(scores: [0, 0, 0]))
        }
        // Without byte tokens, a byte falls back to its one-character token, else to the unknown token (where
        // llama.cpp would throw).
        let noBytes = try Tokenizer(metadata: try Self.metadata(addSpacePrefix: false, byteTokens: false))
        #expect(Self.tokens(noBytes, "ü") == ["<unk>", "<unk>"])
        #expect(Self.tokens(noBytes, "ab") == ["ab"])
        #expect(Self.tokens(noBytes, "\u{1}") == ["<unk>"])
    }
}
