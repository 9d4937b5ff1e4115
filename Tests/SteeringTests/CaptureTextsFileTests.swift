import Foundation
import Testing
@testable import Steering

/// Texts files: JSONL or plain, decided by the first non-empty line; errors name the file and line.
@Suite("Capture: texts files") struct CaptureTextsFileTests {
    static func file(_ content: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appending(path: "veer-texts-\(UUID().uuidString).txt")
        try Data(content.utf8).write(to: url)
        return url.path
    }

    @Test func jsonlLinesGiveTheirTextAndLine() throws {
        let path = try Self.file("\n{\"text\": \"a\\nb\", \"id\": 3}\n\n{\"text\": \"<|im_start|>c\"}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (layout, entries) = try CaptureTextsFile.load(path: path)
        #expect(layout == .jsonl)
        #expect(entries == [.init(text: "a\nb", line: 2), .init(text: "<|im_start|>c", line: 4)])
    }

    @Test func plainLinesAreTakenAsWritten() throws {
        let path = try Self.file("The capital of France is\r\n\r\n  {not json} \\n kept\n[1, 2]")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (layout, entries) = try CaptureTextsFile.load(path: path)
        #expect(layout == .plain)
        #expect(entries.map(\.text) == ["The capital of France is", "  {not json} \\n kept", "[1, 2]"])
        #expect(entries.map(\.line) == [1, 3, 4])
    }

    @Test func aBadJSONLLineIsNamed() throws {
        let path = try Self.file("{\"text\": \"ok\"}\n{\"text\": 3}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try CaptureTextsFile.load(path: path)
        } throws: { error in
            guard case let CaptureTextsError.badLine(file, line, _) = error else { return false }
            return file == path && line == 2 && "\(error)".contains("\(path):2")
        }
    }

    @Test func emptyAndMissingFilesAreErrors() throws {
        let path = try Self.file("\n  \n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: CaptureTextsError.noTexts(file: path)) { try CaptureTextsFile.load(path: path) }
        #expect(throws: CaptureTextsError.self) { try CaptureTextsFile.load(path: "/nonexistent/veer-texts.jsonl") }
    }
}
