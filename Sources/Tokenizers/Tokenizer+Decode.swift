/// From ids back to bytes and text, as llama.cpp's `llama_token_to_piece` and `llama_detokenize`.
extension Tokenizer {
    /// The vocabulary string of a token ("Ġthe"); nil for an id outside the vocabulary.
    public func tokenText(_ id: Int32) -> String? {
        vocabulary.tokens.indices.contains(Int(id)) ? vocabulary.tokens[Int(id)] : nil
    }

    /// The bytes a token stands for. Control and unknown tokens are empty unless `renderSpecial`; an id outside the
    /// vocabulary is empty. A piece can be part of a UTF-8 character (see `StreamingDetokenizer`).
    public func bytes(of id: Int32, renderSpecial: Bool = false) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) < vocabulary.count else { return [] }
        if !renderSpecial && !vocabulary.attributes[Int(id)].isDisjoint(with: [.control, .unknown]) { return [] }
        return pieces.piece(of: id)
    }

    /// The bytes of a token sequence, as llama.cpp's `llama_detokenize(remove_special: false)`: with
    /// `addsSpacePrefix` the first token's piece loses one leading space (the one tokenizing put there); models
    /// whose pre-tokenizer asks for it (GPT-2, Llama 3; not SmolLM or Qwen 2) get llama.cpp's clean-up of spaces
    /// before punctuation and contractions.
    public func detokenize(_ ids: [Int32], renderSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for (index, id) in ids.enumerated() {
            let piece = bytes(of: id, renderSpecial: renderSpecial)
            if index == 0, addsSpacePrefix, piece.first == UInt8(ascii: " ") {
                out.append(contentsOf: piece.dropFirst())
            } else {
                out.append(contentsOf: piece)
            }
        }
        return preTokenizer?.cleansSpaces == true ? Self.cleanUpSpaces(out) : out
    }

    /// `detokenize` as a String; bytes that are not valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        String(decoding: detokenize(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// llama.cpp's `clean_spaces`, three in-place passes over the bytes: drop the space in " ?", " !", " .", " ,";
    /// turn " ' " into "'" (the dropped trailing space leaves a NUL that the next check sees, as in llama.cpp);
    /// drop the space before "'s", "'m", "'re", "'ve".
    static func cleanUpSpaces(_ input: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " "), quote = UInt8(ascii: "'")
        let punctuation: [UInt8] = [UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "."), UInt8(ascii: ",")]
        var text = input
        var total = text.count
        // Each pass reads text[i] and writes it back at `total` <= i, so reads see the pass's input.
        func pass(_ body: (inout [UInt8], inout Int, inout Int, Int) -> Void) {
            let count = total
            total = count > 0 ? 1 : 0
            var i = 1
            while i < count {
                body(&text, &total, &i, count)
                i += 1
            }
        }
        pass { text, total, i, _ in
            let x = text[i]
            if text[i - 1] == space && punctuation.contains(x) {
                total -= 1
            }
            text[total] = x
            total += 1
        }
        pass { text, total, i, count in
            let x = text[i]
            if x == quote && i + 1 < count && text[i - 1] == space && text[i + 1] == space {
                total -= 1
                i += 1
                text[i] = 0
            }
            text[total] = x
            total += 1
        }
        pass { text, total, i, count in
            let x = text[i]
            if text[i - 1] == space && x == quote && i + 1 < count {
                let x1 = text[i + 1]
                if x1 == UInt8(ascii: "s") || x1 == UInt8(ascii: "m") {
                    total -= 1
                } else if x1 != UInt8(ascii: "t") && x1 != UInt8(ascii: "d") && i + 2 < count {
                    let x2 = text[i + 2]
                    if (x1 == UInt8(ascii: "r") || x1 == UInt8(ascii: "v")) && x2 == UInt8(ascii: "e") { total -= 1 }
                }
            }
            text[total] = x
            total += 1
        }
        return Array(text[..<total])
    }
}
