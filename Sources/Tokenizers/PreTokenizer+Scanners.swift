/// Hand-written matchers for the pre-tokenizer regexes. Each scans one chunk (a range of scalars) left to right and
/// at every position tries the regex's alternatives in order, as a backtracking regex engine would; lookaheads and
/// character classes never see past the chunk, like llama.cpp's, which runs each regex within the pieces the
/// previous one produced.

private let apostrophe = UInt32(UInt8(ascii: "'"))
private let space = UInt32(UInt8(ascii: " "))
private let carriageReturn = UInt32(UInt8(ascii: "\r"))
private let lineFeed = UInt32(UInt8(ascii: "\n"))

/// The class at `index`, or nil outside `chunk` (nothing matches there, not even `[^\s\p{L}\p{N}]`).
@inline(__always)
private func classAt(_ text: ScalarText, _ index: Int, _ chunk: Range<Int>) -> CodepointClass? {
    chunk.contains(index) ? text.classes[index] : nil
}

/// Length of a contraction ('s 't 'm 'd: 2; 're 've 'll: 3) starting at `index`, or 0. `fold` lowercases ASCII
/// letters for the case-insensitive variant.
@inline(__always)
private func contractionLength(_ text: ScalarText, _ index: Int, _ chunk: Range<Int>, foldCase: Bool) -> Int {
    guard text.scalars[index] == apostrophe, index + 1 < chunk.upperBound else { return 0 }
    func letter(_ i: Int) -> UInt32 {
        let c = text.scalars[i]
        return foldCase && c >= 0x41 && c <= 0x5A ? c + 0x20 : c
    }
    switch letter(index + 1) {
    case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
    default: break
    }
    guard index + 2 < chunk.upperBound else { return 0 }
    switch (letter(index + 1), letter(index + 2)) {
    case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return 3  // re ve ll
    default: return 0
    }
}

/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
struct GPT2Scanner {
    let text: ScalarText

    func split(_ chunk: Range<Int>, into words: inout [Range<Int>]) {
        var position = chunk.lowerBound
        func emit(_ end: Int) {
            if end > position { words.append(position..<end) }
            position = end
        }
        while position < chunk.upperBound {
            let contraction = contractionLength(text, position, chunk, foldCase: false)
            if contraction > 0 {
                emit(position + contraction)
                continue
            }
            // ` ?X+` for X in letter, number, other: an optional leading space joins the run that follows it.
            let leadingSpace = text.scalars[position] == space
            let runStart = leadingSpace ? position + 1 : position
            if let first = classAt(text, runStart, chunk) {
                let sameRun: (CodepointClass) -> Bool
                if first.contains(.letter) {
                    sameRun = { $0.contains(.letter) }
                } else if first.contains(.number) {
                    sameRun = { $0.contains(.number) }
                } else if first.isDisjoint(with: .word) {
                    sameRun = { $0.isDisjoint(with: .word) }
                } else {
                    sameRun = { _ in false }
                }
                if sameRun(first) {
                    var end = runStart + 1
                    while let c = classAt(text, end, chunk), sameRun(c) { end += 1 }
                    emit(end)
                    continue
                }
            }
            emit(whitespaceEnd(from: position, chunk))
        }
    }

    /// `\s+(?!\S)|\s+`: a run of whitespace, leaving its last character to the next word when a non-space follows
    /// inside the chunk; a single character when nothing matched.
    private func whitespaceEnd(from position: Int, _ chunk: Range<Int>) -> Int {
        var end = position
        while let c = classAt(text, end, chunk), c.contains(.whitespace) { end += 1 }
        let run = end - position
        if run > 1 && end < chunk.upperBound { return end - 1 }
        return run > 0 ? end : position + 1
    }
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,n}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
struct Llama3Scanner {
    let text: ScalarText
    let maxDigits: Int

    func split(_ chunk: Range<Int>, into words: inout [Range<Int>]) {
        var position = chunk.lowerBound
        func emit(_ end: Int) {
            if end > position { words.append(position..<end) }
            position = end
        }
        func isNewline(_ index: Int) -> Bool {
            chunk.contains(index) && (text.scalars[index] == carriageReturn || text.scalars[index] == lineFeed)
        }
        while position < chunk.upperBound {
            let scalar = text.scalars[position]
            let cls = text.classes[position]
            let contraction = contractionLength(text, position, chunk, foldCase: true)
            if contraction > 0 {
                emit(position + contraction)
                continue
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !isNewline(position) && !cls.contains(.number)
                && (cls.contains(.letter) || classAt(text, position + 1, chunk)?.contains(.letter) == true) {
                var end = position + 1
                while classAt(text, end, chunk)?.contains(.letter) == true { end += 1 }
                emit(end)
                continue
            }
            // \p{N}{1,n}: a run of digits in groups of at most n.
            if cls.contains(.number) {
                var end = position
                while end - position < maxDigits, classAt(text, end, chunk)?.contains(.number) == true { end += 1 }
                emit(end)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let runStart = scalar == space ? position + 1 : position
            let first = classAt(text, runStart, chunk)
            if first.map({ $0.isDisjoint(with: .word) }) ?? (scalar == space) {
                var end = runStart
                while let c = classAt(text, end, chunk), c.isDisjoint(with: .word) { end += 1 }
                while isNewline(end) { end += 1 }
                emit(end)
                continue
            }
            // \s*[\r\n]+ (ending at the run's last newline), then \s+(?!\S), then \s+.
            var end = position
            var afterLastNewline: Int?
            while let c = classAt(text, end, chunk), c.contains(.whitespace) {
                if isNewline(end) { afterLastNewline = end + 1 }
                end += 1
            }
            if let afterLastNewline {
                emit(afterLastNewline)
            } else if end - position > 1 && end < chunk.upperBound {
                emit(end - 1)
            } else {
                emit(end > position ? end : position + 1)
            }
        }
    }
}
