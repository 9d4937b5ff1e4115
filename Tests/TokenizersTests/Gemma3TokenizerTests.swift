import Foundation
import GGUF
import Testing
import TestSupport
import Tokenizers

/// Gemma 3 270M's SentencePiece tokenizer against llama.cpp's llama-tokenize (Tests/Goldens/gemma3-tokenizer.json).
/// The model file is 252 MB and not part of the repository: these tests run when `veer model fetch gemma3-270m` has
/// cached it (tools/test does) and skip (saying so) otherwise, except under CI=true, where its absence fails them; the
/// golden's own checks run always.
@Suite struct Gemma3TokenizerTests {
    @Test func goldenSettingsAreTheOnesTested() throws {
        let golden = try TokenizerGolden.gemma3
        #expect(golden.add_special == false && golden.parse_special == true)
        #expect(golden.cases.count >= 100)
        #expect(golden.cases.allSatisfy { $0.ids_default != nil })
        #expect(golden.cases.filter { $0.ids_no_parse_special != nil }.count >= 10)
    }

    @Test(arguments: try TokenizerGolden.gemma3.cases)
    func goldenString(_ golden: TokenizerGolden.Case) throws {
        guard let tokenizer = try Gemma3.tokenizer() else { return }
        TokenizerGolden.check(tokenizer, golden)
    }

    @Test func vocabularyAndSpecialIds() throws {
        guard let tokenizer = try Gemma3.tokenizer() else { return }
        let vocabulary = tokenizer.vocabulary
        #expect(tokenizer.kind == .sentencePiece && tokenizer.preTokenizer == nil && !tokenizer.addsSpacePrefix)
        #expect(vocabulary.count == 262_144)
        #expect(vocabulary.bos == 2 && vocabulary.eos == 1 && vocabulary.unknown == 3 && vocabulary.padding == 0)
        #expect(vocabulary.eot == 106 && vocabulary.addsBOS && !vocabulary.addsEOS)
        // llama.cpp's end-of-generation set: <eos>, <end_of_turn> and "</s>" (a user-defined token it recognises by
        // its text and turns into a control token).
        #expect(vocabulary.endOfGeneration == [1, 106, 212])
        #expect(tokenizer.tokenText(105) == "<start_of_turn>" && tokenizer.tokenText(107) == "\n")
    }

    @Test func decodingRestoresSpacesAndBytes() throws {
        guard let tokenizer = try Gemma3.tokenizer() else { return }
        let text = "Hello  wörld\t🦙 <b>x</b>"
        let ids = tokenizer.encode(text, addBOS: true).ids
        #expect(ids.first == 2)
        #expect(tokenizer.decode(ids) == text)
        #expect(tokenizer.decode([2, 105]) == "" && tokenizer.decode([2, 105], renderSpecial: true) == "<bos><start_of_turn>")
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(ids.map { stream.append($0) }.joined() + stream.finish() == text)
    }

    /// Loading the 262144-token vocabulary and tokenizing 100 KB, timed in this thread's CPU time.
    @Test func loadsAndTokenizesQuickly() throws {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return }
        var opened: GGUFFile?
        let openTime = threadCPUSeconds { opened = try? GGUFFile(path: path) }  // parses the metadata arrays
        let file = try #require(opened)
        var built: Tokenizer?
        let buildTime = threadCPUSeconds { built = try? Tokenizer(file: file) }
        let tokenizer = try #require(built)
        // Strings that round-trip (a literal U+2581 comes back as a space, as in llama.cpp).
        let sample = try TokenizerGolden.gemma3.cases.filter(\.roundtrip_ok).map(\.text).joined(separator: " ")
        var text = ""
        while text.utf8.count < 100_000 { text += sample + "\n" }
        var ids: [Int32] = []
        let seconds = threadCPUSeconds { ids = tokenizer.encode(text, addBOS: false).ids }
        print("Gemma 3 file opened in \(milliseconds(openTime)) ms, tokenizer built in \(milliseconds(buildTime)) ms; \(text.utf8.count) bytes -> \(ids.count) "
              + "tokens in \(milliseconds(seconds)) ms (thread CPU time)")
        let roundTrips = tokenizer.detokenize(ids, renderSpecial: true) == Array(text.utf8)
        #expect(roundTrips)
        #if DEBUG
        #expect(buildTime < 60 && seconds < 60)
        #else
        #expect(buildTime < 2 && seconds < 1)
        #endif
    }
}
