import Foundation

/// The texts of a capture, read from a file in one of two layouts, decided by the first non-empty line:
/// - JSONL, when that line is a JSON object with a string "text": every non-empty line must be such an object
///   (other keys are ignored);
/// - plain text otherwise: each non-empty line is one text, as written (no escape processing).
/// Empty lines are skipped in both.
public enum CaptureTextsFile {
    /// The two layouts: one JSON object per line, or one text per line.
    public enum Layout: String, Sendable { case jsonl, plain }

    /// One text and the 1-based line it came from (for error messages).
    public struct Entry: Sendable, Equatable {
        /// The text.
        public var text: String
        /// Its 1-based line in the file.
        public var line: Int
    }

    /// Reads the texts at `path` and the layout they were in; an unreadable file, a bad line or no text at all is a `CaptureTextsError` naming the file (and the line).
    public static func load(path: String) throws -> (layout: Layout, entries: [Entry]) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CaptureTextsError.unreadable(file: path, reason: error.localizedDescription)
        }
        guard let content = String(data: data, encoding: .utf8) else {
            throw CaptureTextsError.unreadable(file: path, reason: "not UTF-8 text")
        }
        // "\r\n" is one Character in Swift: both it and "\n" end a line.
        let lines = content.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        let numbered = lines.enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { (line: $0.offset + 1, text: $0.element) }
        guard let first = numbered.first else { throw CaptureTextsError.noTexts(file: path) }
        guard jsonText(first.text) != nil else {
            return (.plain, numbered.map { Entry(text: $0.text, line: $0.line) })
        }
        let entries = try numbered.map { line in
            guard let text = jsonText(line.text) else {
                throw CaptureTextsError.badLine(file: path, line: line.line,
                                                problem: "expected a JSON object with a string \"text\" (the file is JSONL: its first line is)")
            }
            return Entry(text: text, line: line.line)
        }
        return (.jsonl, entries)
    }

    /// The "text" string of a line that is a JSON object, nil otherwise.
    static func jsonText(_ line: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
        return object["text"] as? String
    }
}

/// Why a texts file cannot be read, naming the file and line.
public enum CaptureTextsError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case noTexts(file: String)
    case badLine(file: String, line: Int, problem: String)

    /// The message, naming the file and the line.
    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case .noTexts(let file): return "\(file): no texts (expected one per line, plain or JSONL {\"text\": ...})"
        case let .badLine(file, line, problem): return "\(file):\(line): \(problem)"
        }
    }
}
