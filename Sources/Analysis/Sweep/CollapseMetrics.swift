/// Measures of a degenerate continuation: a model pushed too hard repeats itself (the same phrase, the same token)
/// and its text compresses far better than prose.
public enum CollapseMetrics {
    /// The share of the sequence's n-grams (n consecutive tokens, overlapping) that already occurred earlier in it:
    /// 0 when every n-gram is new, close to 1 for a loop. 0 for a sequence shorter than n + 1 tokens.
    public static func repetitionRate<T: Hashable>(_ tokens: [T], n: Int = 3) -> Double {
        let count = tokens.count - n + 1
        guard n >= 1, count > 1 else { return 0 }
        var seen = Set<ArraySlice<T>>()
        var repeated = 0
        for start in 0..<count where !seen.insert(tokens[start..<start + n]).inserted { repeated += 1 }
        return Double(repeated) / Double(count)
    }

    /// Raw bytes / estimated compressed bytes: about 1 for short prose, several for repeated text, below 1 for
    /// text with nothing to share.
    ///
    /// Foundation on Linux exposes no zlib, so the size is estimated with deflate's LZ77 stage and fixed costs in
    /// place of its Huffman codes: a greedy parse with deflate's window (32 KiB) and match lengths (3...258), each
    /// literal 9 bits and each match 24 bits (deflate's fixed code spends 7-8 bits on a length and 5 plus up to 13
    /// extra bits on a distance). No header is counted, so a 40-byte text is not judged by gzip's 18 header bytes.
    public static func compressionRatio(_ bytes: [UInt8]) -> Double {
        guard !bytes.isEmpty else { return 1 }
        return Double(bytes.count) / (Double(lz77Bits(bytes)) / 8)
    }

    static let window = 32_768, minimumMatch = 3, maximumMatch = 258
    static let literalBits = 9, matchBits = 24

    /// The estimated size in bits: the greedy longest match at each position among the earlier positions that
    /// start with the same three bytes.
    static func lz77Bits(_ bytes: [UInt8]) -> Int {
        var starts: [Int: [Int]] = [:]   // 3-byte prefix -> positions, ascending
        func key(_ i: Int) -> Int { Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) }
        var bits = 0, i = 0
        while i < bytes.count {
            var best = 0
            if i + minimumMatch <= bytes.count {
                for candidate in (starts[key(i)] ?? []).reversed() {
                    guard i - candidate <= window else { break }
                    var length = 0
                    while length < maximumMatch, i + length < bytes.count, bytes[candidate + length] == bytes[i + length] { length += 1 }
                    best = max(best, length)
                    if best == maximumMatch { break }
                }
            }
            let step = best >= minimumMatch ? best : 1
            bits += best >= minimumMatch ? matchBits : literalBits
            var j = i
            while j < min(i + step, bytes.count - minimumMatch + 1) { starts[key(j), default: []].append(j); j += 1 }
            i += step
        }
        return bits
    }
}
