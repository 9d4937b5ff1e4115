import Tokenizers
import Testing

/// The hand-written pre-tokenizer regexes on cases worked out from the regex semantics (alternatives tried in order,
/// greedy runs, `\s+(?!\S)` leaving the last space to the next word).
@Suite struct PreTokenizerTests {
    static func words(_ name: String, _ text: String) -> [String] {
        PreTokenizer(name: name)!.words(in: text)
    }

    @Test func smollmSplitsEveryDigit() {
        #expect(Self.words("smollm", "Hello world 123") == ["Hello", " world", " ", "1", "2", "3"])
        #expect(Self.words("smollm", "v2.0") == ["v", "2", ".", "0"])
        #expect(Self.words("smollm", "½ ²") == ["½", " ", "²"])
        #expect(Self.words("smollm", "٣٤") == ["٣", "٤"])
    }

    @Test func gpt2() {
        #expect(Self.words("gpt-2", "Hello world 123") == ["Hello", " world", " 123"])
        #expect(Self.words("gpt-2", "I'M don't") == ["I", "'", "M", " don", "'t"])
        #expect(Self.words("gpt-2", "it's   spaced") == ["it", "'s", "  ", " spaced"])
        #expect(Self.words("gpt-2", "!!!???... (x)") == ["!!!???...", " (", "x", ")"])
        #expect(Self.words("gpt-2", "a\n\nb  ") == ["a", "\n", "\n", "b", "  "])
        #expect(Self.words("gpt-2", "NBSP\u{A0}here") == ["NBSP", "\u{A0}", "here"])
        #expect(Self.words("gpt-2", "e\u{301}") == ["e", "\u{301}"])
        #expect(Self.words("gpt-2", "") == [])
    }

    @Test func llama3() {
        #expect(Self.words("llama-bpe", "Hello world 12345") == ["Hello", " world", " ", "123", "45"])
        #expect(Self.words("llama-bpe", "I'M don'T") == ["I", "'M", " don", "'T"])
        #expect(Self.words("llama-bpe", "line1\r\nline2") == ["line", "1", "\r\n", "line", "2"])
        #expect(Self.words("llama-bpe", " \n\n x") == [" \n\n", " x"])
        #expect(Self.words("llama-bpe", "x = (y);\n") == ["x", " =", " (", "y", ");\n"])
        #expect(Self.words("llama-bpe", "$hello") == ["$hello"])
        #expect(Self.words("llama-bpe", "a  b") == ["a", " ", " b"])
    }

    @Test func qwen2TakesOneDigitAtATime() {
        #expect(Self.words("qwen2", "12345 apples") == ["1", "2", "3", "4", "5", " apples"])
        #expect(Self.words("qwen2", "Hello, world!") == ["Hello", ",", " world", "!"])
    }

    @Test func unknownNamesAreNil() {
        #expect(PreTokenizer(name: "tekken") == nil)
        #expect(PreTokenizer(name: "default") == nil)
        #expect(PreTokenizer.supportedNames.allSatisfy { PreTokenizer(name: $0) != nil })
    }
}
