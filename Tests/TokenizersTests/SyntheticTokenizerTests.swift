import GGUF
import Tokenizers
import Testing

/// A hand-made byte-level vocabulary: BPE rank order, merges through strings that are not tokens, special-token
/// rules and metadata errors, without the model file.
@Suite struct SyntheticTokenizerTests {
    /// 0 <|endoftext|> (control), 1 <s> (control), 2 <tool> (user-defined), 3...258 the 256 byte characters, then
    /// merged words.
    static let words = ["ab", "abc", "aa", "Ġa", "Ġab", "xyz"]
    static let merges = ["a b", "ab c", "a a", "Ġ a", "Ġa b", "x y", "xy z"]

    static func metadata(pre: String = "gpt-2", model: String = "gpt2", tokenTypes: [Int32]? = nil,
                         tokens extraTokens: [String] = [], merges: [String]? = Self.merges,
                         extra: [(String, GGUFValue)] = []) throws -> GGUFMetadata {
        let byteCharacters = (0..<256).map { String(Character(byteCharacter(UInt8($0)))) }
        let tokens = ["<|endoftext|>", "<s>", "<tool>"] + byteCharacters + words + extraTokens
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string(model))
        writer.set("tokenizer.ggml.pre", .string(pre))
        writer.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        writer.set("tokenizer.ggml.token_type", .array(.int32(tokenTypes ?? ([3, 3, 4] + Array(repeating: 1, count: tokens.count - 3)))))
        if let merges { writer.set("tokenizer.ggml.merges", .array(.string(merges))) }
        writer.set("tokenizer.ggml.bos_token_id", .uint32(1))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(0))
        for (key, value) in extra { writer.set(key, value) }
        return try GGUFFile(bytes: try writer.serialize(), name: "synthetic.gguf").metadata
    }

    /// GPT-2's byte-to-character table, written out independently of the tokenizer's.
    static func byteCharacter(_ byte: UInt8) -> Unicode.Scalar {
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        if printable { return Unicode.Scalar(byte) }
        let rank = (0..<Int(byte)).filter { b in
            !((0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b))
        }.count
        return Unicode.Scalar(UInt32(256 + rank))!
    }

    static func tokens(_ tokenizer: Tokenizer, _ text: String, parseSpecial: Bool = true) -> [String] {
        tokenizer.encode(text, parseSpecial: parseSpecial).ids.map { tokenizer.tokenText($0)! }
    }

    @Test func mergesFollowRankThenPosition() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata())
        #expect(Self.tokens(tokenizer, "abc") == ["abc"])
        #expect(Self.tokens(tokenizer, "aaa") == ["aa", "a"])  // equal ranks: the leftmost pair first
        #expect(Self.tokens(tokenizer, "aab") == ["a", "ab"])  // "a b" outranks "a a"
        #expect(Self.tokens(tokenizer, " a") == ["Ġa"])
        #expect(Self.tokens(tokenizer, " ab c") == ["Ġ", "ab", "Ġ", "c"])  // "a b" (rank 0) beats "Ġ a" (rank 3)
        // "xy" is only an intermediate: "xyz" merges through it; alone it falls back to its single bytes.
        #expect(Self.tokens(tokenizer, "xyz") == ["xyz"])
        #expect(Self.tokens(tokenizer, "xy") == ["x", "y"])
        #expect(Self.tokens(tokenizer, "é") == ["Ã", "©"])
        #expect(tokenizer.decode(tokenizer.encode("a é xyz\n").ids) == "a é xyz\n")
    }

    @Test func specialTokensAndParsing() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata())
        #expect(Self.tokens(tokenizer, "a<s>b<|endoftext|>") == ["a", "<s>", "b", "<|endoftext|>"])
        // Control tokens are text when special parsing is off; user-defined ones are recognised regardless.
        #expect(!Self.tokens(tokenizer, "a<s>b", parseSpecial: false).contains("<s>"))
        #expect(Self.tokens(tokenizer, "x<tool>y", parseSpecial: false) == ["x", "<tool>", "y"])
        #expect(tokenizer.decode(tokenizer.encode("a<s>b").ids) == "ab")
        #expect(tokenizer.decode(tokenizer.encode("a<s>b").ids, renderSpecial: true) == "a<s>b")
        // A control token may span neighbouring parse-special segments; inside a no-parse segment it stays text.
        let mixed = tokenizer.encode([TextSegment("<s", parseSpecial: true), TextSegment(">", parseSpecial: true),
                                      TextSegment("<s>", parseSpecial: false)])
        #expect(mixed.ids.first == 1 && !mixed.ids.dropFirst().contains(1))
    }

    @Test func bosAndEosFollowMetadataAndOverrides() throws {
        let plain = try Tokenizer(metadata: try Self.metadata())
        #expect(!plain.vocabulary.addsBOS && plain.encode("ab").ids == [plain.vocabulary.id(of: "ab")!])
        let withBOS = plain.encode("ab", addBOS: true, addEOS: true)
        #expect(withBOS.ids.first == 1 && withBOS.ids.last == 0 && withBOS.usedBOS && withBOS.usedEOS)
        #expect(withBOS.byteRanges == [0..<0, 0..<2, 2..<2])
        let adding = try Tokenizer(metadata: try Self.metadata(extra: [("tokenizer.ggml.add_bos_token", .bool(true))]))
        #expect(adding.encode("ab").usedBOS && adding.encode("ab").ids.first == 1)
        #expect(!adding.encode("ab", addBOS: false).usedBOS)
        // Llama 3 adds BOS unless the file says otherwise.
        #expect(try Tokenizer(metadata: try Self.metadata(pre: "llama-bpe")).vocabulary.addsBOS)
        #expect(plain.vocabulary.endOfGeneration == [0])
    }

    @Test func metadataProblemsAreNamed() throws {
        #expect(throws: TokenizerError.unknownPreTokenizer(file: "synthetic.gguf", name: "tekken")) {
            try Tokenizer(metadata: try Self.metadata(pre: "tekken"))
        }
        #expect(throws: TokenizerError.unsupportedModel(file: "synthetic.gguf", model: "bert")) {
            try Tokenizer(metadata: try Self.metadata(model: "bert"))
        }
        #expect(throws: GGUFError(file: "synthetic.gguf", .missingKey("tokenizer.ggml.merges"))) {
            try Tokenizer(metadata: try Self.metadata(merges: nil))
        }
        #expect(throws: TokenizerError.self) { try Tokenizer(metadata: try Self.metadata(tokenTypes: [3, 3])) }
        #expect(throws: TokenizerError.invalidVocabulary(file: "synthetic.gguf", detail: "token 'ab' has ids 259 and 265")) {
            try Tokenizer(metadata: try Self.metadata(tokens: ["ab"]))
        }
        // A special id the metadata states outside the vocabulary is an error, not the gpt2 default (id 11).
        #expect(throws: TokenizerError.invalidVocabulary(file: "synthetic.gguf", detail:
            "tokenizer.ggml.bos_token_id is 265, outside the vocabulary (expected an id in 0...264)")) {
            try Tokenizer(metadata: try Self.metadata(extra: [("tokenizer.ggml.bos_token_id", .uint32(265))]))
        }
        let message = "\(TokenizerError.unknownPreTokenizer(file: "m.gguf", name: "tekken"))"
        #expect(message.contains("'tekken'") && message.contains("smollm"))
    }

    @Test func tokensDifferingOnlyInBytesAreDistinct() throws {
        // Canonically equivalent in Swift's String comparison, different bytes: two tokens, as in llama.cpp.
        let tokenizer = try Tokenizer(metadata: try Self.metadata(tokens: ["\u{E9}x", "e\u{301}x"]))
        let composed = try #require(tokenizer.vocabulary.id(of: "\u{E9}x"))
        let decomposed = try #require(tokenizer.vocabulary.id(of: "e\u{301}x"))
        #expect(composed != decomposed)
    }

    @Test func streamingWaitsForTheRestOfACharacter() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata())
        let ids = tokenizer.encode("é\u{FF}!").ids  // C3 A9, then C3 BF, "!": one byte token each
        #expect(ids.count == 5)
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(ids.map { stream.append($0) } == ["", "é", "", "\u{FF}", "!"])
        // A lone continuation byte or an impossible lead byte can never complete: replaced at once.
        let ff = try #require(tokenizer.vocabulary.id(of: String(Self.byteCharacter(0xFF))))
        let a9 = try #require(tokenizer.vocabulary.id(of: String(Self.byteCharacter(0xA9))))
        var broken = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(broken.append(ff) == "\u{FFFD}" && broken.append(a9) == "\u{FFFD}")
        #expect(broken.heldBackByteCount == 0 && broken.finish() == "")
    }

    @Test func byteRangesCoverTheInput() throws {
        let tokenizer = try Tokenizer(metadata: try Self.metadata())
        let text = "ab<s> abc é\n\n xyz"
        let encoding = tokenizer.encode(text)
        var next = 0
        for (id, range) in zip(encoding.ids, encoding.byteRanges) {
            #expect(range.lowerBound == next)
            #expect(Array(tokenizer.bytes(of: id, renderSpecial: true)) == Array(Array(text.utf8)[range]))
            next = range.upperBound
        }
        #expect(next == text.utf8.count)
    }
}
