/// Turns generated tokens into text as they arrive. A token can end in the middle of a UTF-8 character (byte-level
/// BPE splits rare characters, emoji and CJK into byte tokens), so trailing bytes that start a character but do not
/// finish it are held back until the next token completes them. Bytes that can never form a character are emitted
/// as U+FFFD right away.
public struct StreamingDetokenizer {
    private let tokenizer: Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    /// Decodes with `tokenizer`; control tokens are rendered as their text only when `renderSpecial` is true.
    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds a token; returns the text that is complete now (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.bytes(of: id, renderSpecial: renderSpecial))
        let complete = pending.count - Self.incompleteSuffixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Ends the stream: whatever is held back, with U+FFFD for an unfinished character.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Bytes held back because they may start a character the next token finishes.
    public var heldBackByteCount: Int { pending.count }

    /// The length of the longest suffix that is the valid beginning of a multi-byte UTF-8 character (a lead byte
    /// followed by fewer continuation bytes than it announces); 0 when the bytes end on a character boundary.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        var continuations = 0
        var index = bytes.count - 1
        while index >= 0 && continuations < 3 && bytes[index] & 0xC0 == 0x80 {
            continuations += 1
            index -= 1
        }
        guard index >= 0 else { return 0 }
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard continuations < length - 1 else { return 0 }
        // The second byte of E0, ED, F0 and F4 sequences has a narrower range; outside it the bytes are invalid
        // already and waiting would not help.
        if continuations >= 1 {
            let second = bytes[index + 1]
            switch lead {
            case 0xE0 where second < 0xA0, 0xED where second > 0x9F, 0xF0 where second < 0x90, 0xF4 where second > 0x8F:
                return 0
            default: break
            }
        }
        return continuations + 1
    }
}
