/// How a vocabulary writes the bytes of normal tokens.
enum TokenSpelling: Sendable {
    /// GPT-2's byte-level alphabet ("Ġthe").
    case byteLevel
    /// SentencePiece: the text itself with U+2581 for each space ("▁the").
    case sentencePiece
}

/// Every token's text and the bytes it decodes to, each kept in one flat buffer (two arrays for 49152 tokens
/// instead of 98304 small ones).
struct TokenPieces: Sendable {
    /// UTF-8 of each token's text as stored in the vocabulary ("Ġthe", "<|im_end|>").
    private let textBytes: [UInt8]
    /// [tokens + 1] start of each token's text in `textBytes`, and the end.
    private let textStarts: [Int32]
    /// The bytes each token stands for (special tokens rendered as their text), as llama.cpp's
    /// `llama_token_to_piece(special: true)`.
    private let pieceBytes: [UInt8]
    /// [tokens + 1] start of each piece in `pieceBytes`, and the end.
    private let pieceStarts: [Int32]

    init(vocabulary: Vocabulary, spelling: TokenSpelling) {
        var textBytes: [UInt8] = [], textStarts: [Int32] = [0]
        var pieceBytes: [UInt8] = [], pieceStarts: [Int32] = [0]
        textStarts.reserveCapacity(vocabulary.count + 1)
        pieceStarts.reserveCapacity(vocabulary.count + 1)
        for (text, attributes) in zip(vocabulary.tokens, vocabulary.attributes) {
            textBytes.append(contentsOf: text.utf8)
            textStarts.append(Int32(textBytes.count))
            TokenPieces.appendPiece(of: text, attributes: attributes, spelling: spelling, to: &pieceBytes)
            pieceStarts.append(Int32(pieceBytes.count))
        }
        self.textBytes = textBytes
        self.textStarts = textStarts
        self.pieceBytes = pieceBytes
        self.pieceStarts = pieceStarts
    }

    func text(of id: Int32) -> ArraySlice<UInt8> {
        textBytes[Int(textStarts[Int(id)])..<Int(textStarts[Int(id) + 1])]
    }

    func piece(of id: Int32) -> ArraySlice<UInt8> {
        pieceBytes[Int(pieceStarts[Int(id)])..<Int(pieceStarts[Int(id) + 1])]
    }

    /// llama.cpp's `token_to_piece`: control, unknown and user-defined tokens are their text; normal tokens are
    /// decoded from the byte-level alphabet (BPE) or have each U+2581 turned back into a space (SentencePiece);
    /// `<0xHH>` byte tokens are that byte; anything else (unused, undefined) is empty.
    private static func appendPiece(of text: String, attributes: TokenAttributes, spelling: TokenSpelling,
                                    to out: inout [UInt8]) {
        if !attributes.isDisjoint(with: [.control, .unknown, .userDefined]) {
            out.append(contentsOf: text.utf8)
        } else if attributes.contains(.normal), spelling == .sentencePiece {
            // Byte-wise: as Characters, a U+2581 followed by a combining mark would not match.
            let utf8 = Array(text.utf8)
            var i = 0
            while i < utf8.count {
                if i + 2 < utf8.count, utf8[i] == 0xE2, utf8[i + 1] == 0x96, utf8[i + 2] == 0x81 {
                    out.append(UInt8(ascii: " "))
                    i += 3
                } else {
                    out.append(utf8[i])
                    i += 1
                }
            }
        } else if attributes.contains(.normal) {
            for scalar in text.unicodeScalars {
                if let byte = ByteLevel.byte(for: scalar) {
                    out.append(byte)
                } else {
                    // A character outside the alphabet: llama.cpp writes this marker (with the whole token text).
                    let hex = String(scalar).utf8.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                    out.append(contentsOf: "[UNK_BYTE_0x\(hex)\(text)]".utf8)
                }
            }
        } else if attributes.contains(.byte) {
            let digits = text.utf8.dropFirst(3).prefix(2)
            out.append(UInt8(String(decoding: digits, as: UTF8.self), radix: 16) ?? 0)
        }
    }
}
