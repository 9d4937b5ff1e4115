/// Splits text into the words BPE merges within, as the regex named by `tokenizer.ggml.pre` does in llama.cpp.
/// The regexes are implemented by hand (a scan over character classes, no regex engine): this is the hot loop of
/// tokenization.
public struct PreTokenizer: Sendable, Equatable {
    /// The regex families llama.cpp uses for the supported `tokenizer.ggml.pre` names.
    public enum Pattern: Sendable, Equatable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (case-sensitive contractions).
        case gpt2
        /// `\p{N}` first (every digit its own word), then `gpt2` on what is left: SmolLM's StarCoder-style split.
        case digitsThenGPT2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,n}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|
        /// \s+(?!\S)|\s+` with n = `maxDigits`: Llama 3 (n = 3) and Qwen 2 (n = 1).
        case llama3(maxDigits: Int)
    }

    /// The `tokenizer.ggml.pre` name this was made from.
    public let name: String
    /// The split rule of `name`.
    public let pattern: Pattern
    /// Tokenizer settings that come with the pre-tokenizer name in llama.cpp.
    let cleansSpaces: Bool
    let ignoresMerges: Bool
    let addsBOSByDefault: Bool

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, or nil for a name this tokenizer does not know.
    public init?(name: String) {
        switch name {
        case "smollm":
            self.init(name, .digitsThenGPT2, cleansSpaces: false)
        case "gpt-2":
            self.init(name, .gpt2, cleansSpaces: true)
        case "llama-bpe", "llama3", "llama-v3":
            self.init(name, .llama3(maxDigits: 3), cleansSpaces: true, ignoresMerges: true, addsBOSByDefault: true)
        case "qwen2", "deepseek-r1-qwen":
            self.init(name, .llama3(maxDigits: 1), cleansSpaces: false)
        default:
            return nil
        }
    }

    /// The `tokenizer.ggml.pre` values Veer reads; any other is `TokenizerError.unknownPreTokenizer`.
    public static let supportedNames = ["smollm", "gpt-2", "llama-bpe", "llama3", "llama-v3", "qwen2", "deepseek-r1-qwen"]

    private init(_ name: String, _ pattern: Pattern, cleansSpaces: Bool, ignoresMerges: Bool = false,
                 addsBOSByDefault: Bool = false) {
        self.name = name
        self.pattern = pattern
        self.cleansSpaces = cleansSpaces
        self.ignoresMerges = ignoresMerges
        self.addsBOSByDefault = addsBOSByDefault
    }

    /// The words BPE would merge within, for inspection and tests (special tokens are not split out here).
    public func words(in text: String) -> [String] {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            let scalars = ScalarText(utf8: bytes, range: 0..<bytes.count)
            return split(scalars).map { word in
                String(decoding: bytes[scalars.byteOffsets[word.lowerBound]..<scalars.byteOffsets[word.upperBound]],
                       as: UTF8.self)
            }
        }
    }

    /// Splits `text` into words; returns ranges of indices into `text.scalars`, in order, covering all of it.
    func split(_ text: ScalarText) -> [Range<Int>] {
        var words: [Range<Int>] = []
        words.reserveCapacity(text.count / 3)
        let all = 0..<text.count
        switch pattern {
        case .gpt2:
            GPT2Scanner(text: text).split(all, into: &words)
        case .digitsThenGPT2:
            let scanner = GPT2Scanner(text: text)
            var start = 0
            for index in all where text.classes[index].contains(.number) {
                scanner.split(start..<index, into: &words)
                words.append(index..<index + 1)
                start = index + 1
            }
            scanner.split(start..<text.count, into: &words)
        case let .llama3(maxDigits):
            Llama3Scanner(text: text, maxDigits: maxDigits).split(all, into: &words)
        }
        return words
    }
}

/// Text as Unicode scalar values with their character classes: what the scanners read.
struct ScalarText {
    var scalars: [UInt32] = []
    var classes: [CodepointClass] = []
    /// [scalars + 1] UTF-8 offset of each scalar in the source bytes, and the end.
    var byteOffsets: [Int] = []

    var count: Int { scalars.count }

    /// Decodes valid UTF-8 (`bytes[range]`, as a Swift String guarantees).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        scalars.reserveCapacity(range.count)
        classes.reserveCapacity(range.count)
        byteOffsets.reserveCapacity(range.count + 1)
        var i = range.lowerBound
        while i < range.upperBound {
            let lead = UInt32(bytes[i])
            var value: UInt32
            var length: Int
            if lead < 0x80 {
                value = lead; length = 1
            } else if lead < 0xE0 {
                value = lead & 0x1F; length = 2
            } else if lead < 0xF0 {
                value = lead & 0x0F; length = 3
            } else {
                value = lead & 0x07; length = 4
            }
            length = min(length, range.upperBound - i)
            for k in 1..<max(length, 1) { value = (value << 6) | (UInt32(bytes[i + k]) & 0x3F) }
            scalars.append(value)
            classes.append(CodepointClass.of(value))
            byteOffsets.append(i)
            i += length
        }
        byteOffsets.append(range.upperBound)
    }
}
