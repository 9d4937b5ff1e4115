import Testing
import TestSupport
import Tokenizers

/// The SmolLM2 tokenizer against llama.cpp: the 105 golden strings and the six golden prompts.
@Suite struct TokenizerGoldenTests {
    @Test func goldenSettingsAreTheOnesTested() throws {
        let golden = try TokenizerGolden.shared
        #expect(golden.add_special == false && golden.parse_special == true)
        #expect(golden.cases.count == 105)
    }

    @Test(arguments: try TokenizerGolden.shared.cases)
    func goldenString(_ golden: TokenizerGolden.Case) throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        TokenizerGolden.check(tokenizer, golden)
    }

    @Test(arguments: try ModelGoldens.shared.prompts)
    func goldenPrompt(_ prompt: ModelGoldens.Prompt) throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let encoding = tokenizer.encode(prompt.text)
        #expect(encoding.ids == prompt.tokens)
        #expect(encoding.ids.map { goldenPiece(tokenizer.bytes(of: $0, renderSpecial: true)) } == prompt.token_pieces)
        // The end-of-generation set decides where llama.cpp's greedy run would have stopped.
        let firstEOG = prompt.greedy_tokens.firstIndex { tokenizer.vocabulary.isEndOfGeneration($0) } ?? -1
        #expect(firstEOG == prompt.greedy_first_eog_index)
    }
}
