import Foundation

/// Two texts that differ in the concept a direction should capture.
public struct ContrastivePair: Sendable, Equatable {
    /// The text that shows the concept.
    public var positive: String
    /// The text that lacks it (or shows its opposite).
    public var negative: String

    /// A pair of texts.
    public init(positive: String, negative: String) { self.positive = positive; self.negative = negative }

    /// Reads JSONL: one object {"positive": "...", "negative": "..."} per line (blank lines skipped, other keys
    /// ignored; LF or CRLF line ends). Errors name the file and the 1-based line; an empty text on either side is one.
    public static func loadPairs(path: String) throws -> [ContrastivePair] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExtractionError.unreadable(file: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExtractionError.unreadable(file: path, reason: "not UTF-8 text")
        }
        var pairs: [ContrastivePair] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let number = index + 1
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw ExtractionError.badLine(file: path, line: number, problem: "not a JSON object")
            }
            func string(_ key: String) throws -> String {
                guard let value = object[key] else {
                    throw ExtractionError.badLine(file: path, line: number, problem: "missing key \"\(key)\"")
                }
                guard let text = value as? String else {
                    throw ExtractionError.badLine(file: path, line: number, problem: "\"\(key)\" must be a string")
                }
                return text
            }
            let pair = ContrastivePair(positive: try string("positive"), negative: try string("negative"))
            // An empty side has nothing to contrast: mean-diff would have no token to read, and cvector-mean would
            // silently compare the other side with padding.
            for (side, text) in [("positive", pair.positive), ("negative", pair.negative)] where text.isEmpty {
                throw ExtractionError.badLine(file: path, line: number,
                                              problem: "the \(side) text is empty; each side of a pair needs text")
            }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else { throw ExtractionError.noPairs(file: path) }
        return pairs
    }
}
