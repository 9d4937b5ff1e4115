/// Byte-level BPE over token ids instead of strings. Every string that can appear during merging (each token, each
/// side of each merge rule, each merge result) gets a symbol id: token ids first, then ids above the vocabulary for
/// strings that are merge intermediates but not tokens. A merge rule is then one dictionary entry
/// (left symbol, right symbol) -> (rank, merged symbol), and merging a word never builds a string.
struct BPEModel: Sendable {
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    let vocabularySize: Int
    /// [256] the symbol of each byte's byte-level character (the word's starting symbols).
    let byteSymbols: [Int32]
    /// (left << 32 | right) -> the merge with its rank; the first rule for a pair wins, as in llama.cpp.
    let merges: [UInt64: Merge]
    /// [128] the token spelled by one ASCII byte, or -1: the fallback for a final symbol that is not a token.
    let singleByteTokens: [Int32]

    /// `merges` are "left right" strings in rank order, split at the first space after the first byte (a merge may
    /// start with a space character).
    init(tokens: [String], ids: [TokenKey: Int32], merges mergeRules: [String]) {
        vocabularySize = tokens.count
        // Strings that are not tokens: few in a well-formed vocabulary.
        var intermediates: [TokenKey: Int32] = [:]
        func symbol(_ text: String) -> Int32 {
            let key = TokenKey(text)
            if let id = ids[key] ?? intermediates[key] { return id }
            let id = Int32(tokens.count + intermediates.count)
            intermediates[key] = id
            return id
        }
        byteSymbols = ByteLevel.characterForByte.map { symbol(String($0)) }
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(mergeRules.count)
        for (rank, rule) in mergeRules.enumerated() {
            // Sliced as UTF-8, not as Characters: no grapheme breaking for 48900 rules.
            let utf8 = rule.utf8
            guard utf8.count > 1, let split = utf8.dropFirst().firstIndex(of: UInt8(ascii: " ")) else { continue }
            let left = String(decoding: utf8[..<split], as: UTF8.self)
            let right = String(decoding: utf8[utf8.index(after: split)...], as: UTF8.self)
            guard !right.isEmpty else { continue }
            let key = UInt64(UInt32(symbol(left))) << 32 | UInt64(UInt32(symbol(right)))
            if table[key] == nil {
                table[key] = Merge(rank: Int32(rank), result: symbol(left + right))
            }
        }
        self.merges = table
        singleByteTokens = (0..<128).map { ids[TokenKey(String(UnicodeScalar(UInt8($0))))] ?? -1 }
    }

    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))]
    }
}

/// Reusable buffers for merging one word after another (no allocation per word once warmed up).
struct BPEWorkspace {
    // Symbols of the word being merged, as a doubly linked list over the initial byte positions.
    private var symbol: [Int32] = []
    private var start: [Int32] = []
    private var end: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var queue = PriorityHeap<PairCandidate>()

    /// Merges the bytes `word` (UTF-8 of one pre-tokenizer word) and appends the tokens with their byte ranges
    /// (offset by `base`). Pairs merge lowest rank first, ties to the leftmost pair: llama.cpp's order.
    mutating func encode(_ word: UnsafeBufferPointer<UInt8>, base: Int, model: BPEModel,
                         ids: inout [Int32], ranges: inout [Range<Int>]) {
        let count = word.count
        symbol.removeAll(keepingCapacity: true)
        start.removeAll(keepingCapacity: true)
        end.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        for i in 0..<count {
            symbol.append(model.byteSymbols[Int(word[i])])
            start.append(Int32(i))
            end.append(Int32(i + 1))
            previous.append(Int32(i - 1))
            next.append(i + 1 < count ? Int32(i + 1) : -1)
        }
        queue.removeAll()
        for i in 0..<max(count - 1, 0) { enqueue(Int32(i), Int32(i + 1), model: model) }

        while let pair = queue.pop() {
            let left = Int(pair.left), right = Int(pair.right)
            // Skip pairs made stale by an earlier merge: a side was absorbed or has grown since.
            guard next[left] == pair.right, symbol[left] == pair.leftSymbol, symbol[right] == pair.rightSymbol,
                  end[left] > start[left], end[right] > start[right] else { continue }
            symbol[left] = pair.merged
            end[left] = end[right]
            end[right] = start[right]  // empty: absorbed
            next[left] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = pair.left }
            if previous[left] >= 0 { enqueue(previous[left], pair.left, model: model) }
            if next[left] >= 0 { enqueue(pair.left, next[left], model: model) }
        }

        var i = count > 0 ? 0 : -1
        while i >= 0 {
            let range = base + Int(start[i])..<base + Int(end[i])
            if Int(symbol[i]) < model.vocabularySize {
                ids.append(symbol[i])
                ranges.append(range)
            } else {
                // Not a token: llama.cpp looks up each byte of the symbol's byte-level spelling as a one-byte token.
                for offset in start[i]..<end[i] {
                    let character = ByteLevel.characterForByte[Int(word[Int(offset)])].value
                    if character < 128, model.singleByteTokens[Int(character)] >= 0 {
                        ids.append(model.singleByteTokens[Int(character)])
                        ranges.append(base + Int(offset)..<base + Int(offset) + 1)
                    }
                }
            }
            i = Int(next[i])
        }
    }

    private mutating func enqueue(_ left: Int32, _ right: Int32, model: BPEModel) {
        guard let merge = model.merge(symbol[Int(left)], symbol[Int(right)]) else { return }
        queue.push(PairCandidate(rank: merge.rank, left: left, right: right, leftSymbol: symbol[Int(left)],
                                  rightSymbol: symbol[Int(right)], merged: merge.result))
    }
}

/// A candidate merge, ordered by (rank, left position): lowest first.
struct PairCandidate: HeapOrdered {
    var rank: Int32
    var left: Int32
    var right: Int32
    var leftSymbol: Int32
    var rightSymbol: Int32
    var merged: Int32

    @inline(__always)
    func precedes(_ other: PairCandidate) -> Bool { rank != other.rank ? rank < other.rank : left < other.left }
}
