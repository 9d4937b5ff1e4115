import GGUF

/// SentencePiece-style tokenization as llama.cpp runs it for `tokenizer.ggml.model = "llama"` (`llm_tokenizer_spm`):
/// spaces become U+2581 ("▁"), the text starts as one symbol per UTF-8 character, and neighbouring symbols merge
/// while their concatenation is a token, highest `tokenizer.ggml.scores` first (ties: leftmost). A final symbol that
/// is not a token is written as byte tokens (`<0xHH>`). No pre-tokenizer: the whole stretch between special tokens
/// merges at once.
struct SentencePieceModel: Sendable {
    /// [vocabulary] each token's score (`tokenizer.ggml.scores`; 0 where the file has none).
    let scores: [Float]
    /// [256] the token for each byte: `<0xHH>`, else the one-byte token, else the unknown token.
    let byteTokens: [Int32]

    /// The U+2581 that stands for a space in SentencePiece vocabularies.
    static let escapedSpace: [UInt8] = Array("\u{2581}".utf8)

    init(metadata: GGUFMetadata, vocabulary: Vocabulary) throws {
        let file = metadata.file
        if metadata.contains("tokenizer.ggml.scores") {
            // llama.cpp accepts float32 or int32 scores.
            let value = try metadata.array("tokenizer.ggml.scores")
            let scores: [Float]
            if let floats = try? metadata.float32Array("tokenizer.ggml.scores") {
                scores = floats
            } else if let integers = try? metadata.int32Array("tokenizer.ggml.scores") {
                scores = integers.map(Float.init)
            } else {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "tokenizer.ggml.scores holds \(value.count) values that are neither float32 nor int32")
            }
            guard scores.count >= vocabulary.count else {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "tokenizer.ggml.scores has \(scores.count) entries for \(vocabulary.count) tokens")
            }
            self.scores = scores
        } else {
            scores = [Float](repeating: 0, count: vocabulary.count)
        }
        byteTokens = try (0..<256).map { byte in
            let hex = "<0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) + ">"
            if let id = vocabulary.id(of: hex) { return id }
            if byte < 0x80, let id = vocabulary.id(of: String(UnicodeScalar(UInt8(byte)))) { return id }
            guard let unknown = vocabulary.unknown else {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "byte \(hex.dropFirst().dropLast()) has no token (\(hex) or the byte itself) "
                    + "and there is no unknown token to stand for it")
            }
            return unknown
        }
    }
}

/// Reusable buffers for tokenizing one stretch of text after another.
struct SentencePieceWorkspace {
    /// The escaped text: input bytes with every space as U+2581 (and the prefix space, if any).
    private var text: [UInt8] = []
    /// [text + 1] the input byte offset each escaped byte came from, and the end.
    private var origin: [Int] = []
    // Symbols as a doubly linked list: a start in `text`, a length (0 once merged away), neighbours.
    private var start: [Int32] = []
    private var length: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var queue = PriorityHeap<BigramCandidate>()

    /// Tokenizes `bytes[range]` (valid UTF-8), a space first when `prefixSpace`, and appends the tokens with their
    /// input byte ranges (the prefix space belongs to the first token, as an empty stretch of the input).
    mutating func encode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, prefixSpace: Bool,
                         model: SentencePieceModel, vocabulary: Vocabulary,
                         ids: inout [Int32], ranges: inout [Range<Int>]) {
        escape(bytes, range, prefixSpace: prefixSpace)
        guard !text.isEmpty else { return }
        splitCharacters()
        queue.removeAll()
        text.withUnsafeBufferPointer { text in
            for i in 1..<start.count { addBigram(Int32(i - 1), Int32(i), text, model, vocabulary) }
            while let bigram = queue.pop() {
                let left = Int(bigram.left), right = Int(bigram.right)
                // Skip bigrams made stale by an earlier merge.
                guard length[left] > 0, length[right] > 0, length[left] + length[right] == bigram.size else { continue }
                length[left] += length[right]
                length[right] = 0
                next[left] = next[right]
                if next[right] >= 0 { previous[Int(next[right])] = bigram.left }
                if previous[left] >= 0 { addBigram(previous[left], bigram.left, text, model, vocabulary) }
                if next[left] >= 0 { addBigram(bigram.left, next[left], text, model, vocabulary) }
            }
            var i = 0
            while i >= 0 {
                let lower = Int(start[i]), upper = lower + Int(length[i])
                if let id = vocabulary.id(ofUTF8: UnsafeBufferPointer(rebasing: text[lower..<upper])) {
                    ids.append(id)
                    ranges.append(origin[lower]..<origin[upper])
                } else {
                    // Not a token (merges only ever build tokens, so this is one character): its bytes.
                    for k in lower..<upper {
                        ids.append(model.byteTokens[Int(text[k])])
                        ranges.append(origin[k]..<origin[k + 1])
                    }
                }
                i = Int(next[i])
            }
        }
    }

    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, prefixSpace: Bool) {
        text.removeAll(keepingCapacity: true)
        origin.removeAll(keepingCapacity: true)
        if prefixSpace {
            text.append(contentsOf: SentencePieceModel.escapedSpace)
            origin.append(contentsOf: repeatElement(range.lowerBound, count: SentencePieceModel.escapedSpace.count))
        }
        for offset in range {
            if bytes[offset] == UInt8(ascii: " ") {
                text.append(contentsOf: SentencePieceModel.escapedSpace)
                origin.append(contentsOf: repeatElement(offset, count: SentencePieceModel.escapedSpace.count))
            } else {
                text.append(bytes[offset])
                origin.append(offset)
            }
        }
        origin.append(range.upperBound)
    }

    /// One symbol per UTF-8 character, its length from the lead byte as llama.cpp's `unicode_len_utf8` reads it.
    private mutating func splitCharacters() {
        start.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        var offset = 0
        while offset < text.count {
            let lead = text[offset]
            let characterLength = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let count = min(characterLength, text.count - offset)
            previous.append(Int32(start.count - 1))
            start.append(Int32(offset))
            length.append(Int32(count))
            offset += count
            next.append(offset < text.count ? Int32(start.count) : -1)
        }
    }

    private mutating func addBigram(_ left: Int32, _ right: Int32, _ text: UnsafeBufferPointer<UInt8>,
                                    _ model: SentencePieceModel, _ vocabulary: Vocabulary) {
        let lower = Int(start[Int(left)]), size = length[Int(left)] + length[Int(right)]
        guard let id = vocabulary.id(ofUTF8: UnsafeBufferPointer(rebasing: text[lower..<lower + Int(size)])) else {
            return
        }
        queue.push(BigramCandidate(score: model.scores[Int(id)], left: left, right: right, size: size))
    }
}

/// A candidate merge: highest score first, ties to the leftmost (llama.cpp's `llm_bigram_spm` comparator).
struct BigramCandidate: HeapOrdered {
    var score: Float
    var left: Int32
    var right: Int32
    var size: Int32

    @inline(__always)
    func precedes(_ other: BigramCandidate) -> Bool { score != other.score ? score > other.score : left < other.left }
}
