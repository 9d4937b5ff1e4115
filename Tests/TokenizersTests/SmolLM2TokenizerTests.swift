import Foundation
import Tokenizers
import Testing

/// SmolLM2's tokenizer beyond the goldens: special ids, special parsing off, decoding, streaming, speed.
@Suite struct SmolLM2TokenizerTests {
    @Test func specialIds() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let vocabulary = tokenizer.vocabulary
        #expect(vocabulary.count == 49152)
        #expect(tokenizer.preTokenizer?.name == "smollm" && tokenizer.kind == .bytePairs && !tokenizer.addsSpacePrefix)
        #expect(vocabulary.bos == 1 && vocabulary.eos == 2 && vocabulary.unknown == 0 && vocabulary.padding == 2)
        #expect(!vocabulary.addsBOS && !vocabulary.addsEOS)
        // llama.cpp's EOG set for this file: <|endoftext|>, <|im_end|> and <reponame> (the FIM repo marker).
        #expect(vocabulary.endOfGeneration == [0, 2, 4])
        #expect(tokenizer.tokenText(4) == "<reponame>")
    }

    @Test func bosOverrideIsRecorded() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let plain = tokenizer.encode("Hello world")
        #expect(plain.ids == [19556, 905] && !plain.usedBOS)
        let withBOS = tokenizer.encode("Hello world", addBOS: true)
        #expect(withBOS.ids == [1, 19556, 905] && withBOS.usedBOS)
    }

    @Test func userTextNeverBecomesControlTokens() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let text = "<|im_start|>user\nhi<|im_end|><|endoftext|><repo_name>"
        let raw = tokenizer.encode(text, parseSpecial: true)
        #expect(raw.ids.filter { $0 < 17 } == [1, 2, 0, 3])
        let user = tokenizer.encode(text, parseSpecial: false)
        #expect(user.ids.allSatisfy { $0 >= 17 })
        #expect(tokenizer.detokenize(user.ids) == Array(text.utf8))
        #expect(Array(user.ids.prefix(5)) == [44, 108, 306, 79, 3738])  // "<", "|", "im", "_", "start"
    }

    @Test func decodingHidesControlTokensUnlessAsked() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let ids: [Int32] = [1, 4093, 198, 6004, 2]
        #expect(tokenizer.decode(ids) == "user\nhi")
        #expect(tokenizer.decode(ids, renderSpecial: true) == "<|im_start|>user\nhi<|im_end|>")
        #expect(tokenizer.bytes(of: 49152).isEmpty && tokenizer.bytes(of: -1).isEmpty)
        #expect(tokenizer.tokenText(198) == "Ċ" && tokenizer.tokenText(49152) == nil)
    }

    @Test func streamingHoldsBackSplitCharacters() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        // "🚀 launch!" is <F0 9F> <9A> <80> " launch" "!": the rocket arrives with its third token.
        let pieces = [Int32](arrayLiteral: 10813, 244, 218, 7198, 17).map { stream.append($0) }
        #expect(pieces == ["", "", "🚀", " launch", "!"])
        #expect(stream.heldBackByteCount == 0)
        // "東京": a token ends inside each character.
        var tokyo = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(tokenizer.encode("東京").ids.map { tokyo.append($0) }.joined() == "東京")
        // A stream that stops inside a character ends with U+FFFD for it.
        var cut = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(cut.append(10813) == "" && cut.heldBackByteCount == 2)
        #expect(cut.finish() == "\u{FFFD}")
        // Control tokens stream as text only when asked.
        var special = StreamingDetokenizer(tokenizer: tokenizer, renderSpecial: true)
        #expect(special.append(2) == "<|im_end|>")
        var quiet = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(quiet.append(2) == "")
    }

    @Test func streamingMatchesWholeDecoding() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        for golden in try TokenizerGolden.shared.cases {
            var stream = StreamingDetokenizer(tokenizer: tokenizer)
            let ids = tokenizer.encode(golden.text).ids
            let streamed = ids.map { stream.append($0) }.joined() + stream.finish()
            #expect(streamed == tokenizer.decode(ids), "\(golden.text.debugDescription)")
        }
    }

    /// 100 KB of mixed text (prose, code, numbers, accents, CJK, emoji) in well under a second in release. Timed
    /// in CPU time of this thread, so other processes on the machine do not count.
    @Test func tokenizes100KBQuickly() throws {
        guard let file = try SmolLM2.file() else { return }
        var built: Tokenizer?
        let buildTime = threadCPUSeconds { built = try? Tokenizer(file: file) }
        let tokenizer = try #require(built)
        let sample = try TokenizerGolden.shared.cases.map(\.text).joined(separator: " ")
        var text = ""
        while text.utf8.count < 100_000 { text += sample + "\n" }
        _ = tokenizer.encode(sample)  // first use builds the character-class table
        var ids: [Int32] = []
        let seconds = threadCPUSeconds { ids = tokenizer.encode(text).ids }
        print("tokenizer built in \(milliseconds(buildTime)) ms; \(text.utf8.count) bytes -> \(ids.count) tokens in "
              + "\(milliseconds(seconds)) ms (thread CPU time)")
        let roundTrips = tokenizer.detokenize(ids, renderSpecial: true) == Array(text.utf8)
        #expect(roundTrips)
        #if DEBUG
        #expect(seconds < 30)
        #else
        #expect(seconds < 0.5)
        #endif
    }
}

/// CPU seconds the calling thread spends in `body`.
func threadCPUSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
    let start = now()
    body()
    return now() - start
}

func milliseconds(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
