import Foundation

/// The cheap concept scorer: a list of words and phrases; a text expresses the concept when it contains any of them
/// as a whole word, ignoring case. Whole word: the characters just before and after the match are not letters,
/// digits or "_" (so "joy" matches "Joy!" and "joy-filled" but not "enjoy"). Runs of whitespace count as one space,
/// in the phrases and in the text.
public struct ConceptLexicon: Sendable, Equatable {
    /// The words and phrases, lowercased, as listed.
    public let terms: [String]
    /// Where they came from (a file path), for messages.
    public let source: String

    /// A lexicon of `terms`; throws when there are none or one is blank.
    public init(terms: [String], source: String) throws {
        let normalized = terms.map(Self.normalize)
        guard !normalized.isEmpty else { throw ConceptError("\(source): the concept word list is empty: give one word or phrase per line") }
        if let blank = normalized.firstIndex(of: "") {
            throw ConceptError("\(source): term \(blank + 1) is blank")
        }
        self.terms = normalized
        self.source = source
    }

    /// Parses a words file: one word or phrase per line; blank lines and lines starting with "#" are skipped.
    public static func parse(_ text: String, source: String) throws -> ConceptLexicon {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return try ConceptLexicon(terms: lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }, source: source)
    }

    /// Reads and parses the words file at `path`.
    public static func load(path: String) throws -> ConceptLexicon {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConceptError("\(path): cannot read the concept word list (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConceptError("\(path): the concept word list is not UTF-8 text") }
        return try parse(text, source: path)
    }

    /// The terms found in `text` as whole words, in list order.
    public func matches(in text: String) -> [String] {
        let haystack = Self.normalize(text)
        return terms.filter { Self.containsWholeWord($0, in: haystack) }
    }

    /// 1 when `text` contains a term, else 0.
    public func label(_ text: String) -> Int { matches(in: text).isEmpty ? 0 : 1 }

    /// Lowercased, whitespace runs collapsed to one space, trimmed.
    static func normalize(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    static func containsWholeWord(_ term: String, in text: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: term, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false) { return true }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }
}
