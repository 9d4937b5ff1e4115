/// Text edits the protocols specify the way their Python sources do them: on Unicode scalars (Python's code points),
/// not on Swift's grapheme clusters, so a marker followed by a combining mark is still found.
extension String {
    /// Python's `str.strip()`: leading and trailing Unicode white space removed.
    var strippedLikePython: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// Python's `str.replace(target, replacement)`: every non-overlapping occurrence, left to right, in one pass.
    func replacingLikePython(_ target: String, with replacement: String) -> String {
        let text = Array(unicodeScalars), pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty else { return self }
        var result = String.UnicodeScalarView()
        var i = 0
        while i < text.count {
            if i + pattern.count <= text.count, text[i..<i + pattern.count].elementsEqual(pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                i += pattern.count
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return String(result)
    }

    /// Python's `re.sub(r"\[.*?\]", "", text)`: every "[" up to the first following "]" on the same line removed
    /// (`.` does not match a newline; a "[" with no "]" after it on its line is kept).
    var removingBracketedLikePython: String {
        let text = Array(unicodeScalars)
        var result = String.UnicodeScalarView()
        var i = 0
        while i < text.count {
            if text[i] == "[", let close = text[(i + 1)...].firstIndex(where: { $0 == "]" || $0 == "\n" }), text[close] == "]" {
                i = close + 1
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return String(result)
    }

    /// The first Unicode scalar lower-cased, as Python's `s[0].lower() + s[1:]`.
    var lowercasingFirstLikePython: String {
        guard let first = unicodeScalars.first else { return self }
        return first.properties.lowercaseMapping + String(unicodeScalars.dropFirst())
    }
}
