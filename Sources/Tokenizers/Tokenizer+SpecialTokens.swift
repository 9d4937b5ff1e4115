#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splitting special tokens out of the text before BPE, as llama.cpp's `tokenizer_st_partition`: special tokens are
/// taken longest first, and each one splits every remaining stretch of text at each of its occurrences, left to
/// right. Control and unknown tokens count only inside byte ranges where special parsing is allowed; user-defined
/// tokens count everywhere (llama.cpp matches them even with `parse_special` off).
extension Tokenizer {
    enum Fragment: Equatable {
        case special(Int32, Range<Int>)
        case text(Range<Int>)
    }

    func partition(_ bytes: UnsafeBufferPointer<UInt8>, specialAllowedIn allowed: [Range<Int>]) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        for id in vocabulary.specialTokens {
            let needsPermission = !vocabulary.attributes[Int(id)].isDisjoint(with: [.control, .unknown])
            if needsPermission && allowed.isEmpty { continue }
            let needle = pieces.text(of: id)
            guard !needle.isEmpty else { continue }
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count)
            for fragment in fragments {
                guard case var .text(remaining) = fragment else {
                    next.append(fragment)
                    continue
                }
                var searchFrom = remaining.lowerBound
                while let match = find(needle, in: bytes, from: searchFrom, before: remaining.upperBound) {
                    let found = match..<match + needle.count
                    guard !needsPermission || allowed.contains(where: { $0.contains(found.lowerBound)
                                                                         && found.upperBound <= $0.upperBound }) else {
                        searchFrom = match + 1
                        continue
                    }
                    if match > remaining.lowerBound { next.append(.text(remaining.lowerBound..<match)) }
                    next.append(.special(id, found))
                    remaining = found.upperBound..<remaining.upperBound
                    searchFrom = remaining.lowerBound
                }
                if !remaining.isEmpty { next.append(.text(remaining)) }
            }
            fragments = next
        }
        return fragments
    }

    /// The first occurrence of `needle` starting in `from..<before` and ending by `before`. Candidates are found
    /// with `memchr` on the first byte: Gemma has 6400 special tokens, each searched for in the whole text.
    private func find(_ needle: ArraySlice<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from: Int,
                      before: Int) -> Int? {
        let first = needle[needle.startIndex]
        guard let base = bytes.baseAddress else { return nil }
        var i = from
        let last = before - needle.count
        while i <= last {
            guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var k = 1
            while k < needle.count && bytes[i + k] == needle[needle.startIndex + k] { k += 1 }
            if k == needle.count { return i }
            i += 1
        }
        return nil
    }
}
