import Foundation
import Testing
@testable import Evaluation

/// Missing and malformed data files: every message names the file, the line or item, the key and what was expected.
@Suite("Multiple-choice data errors") struct MCDataErrorTests {
    /// A scratch data directory holding `text` as `task`'s data file.
    func directory(_ task: MCTaskName, _ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-mc-data-\(UUID().uuidString)")
        let file = directory.appending(path: task.dataFile)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return directory
    }

    func error(_ task: MCTaskName, _ text: String) throws -> (message: String, file: String) {
        let directory = try directory(task, text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: MCDataError.self) { try MCTaskData.load(task, dataDirectory: directory) }
        return (error.description, directory.appending(path: task.dataFile).path)
    }

    static let copaLine = #"{"id": 1, "split": "dev", "question": "P.", "asks_for": "cause", "choices": ["A.", "B."], "label": 0}"#

    @Test func aMissingFileSuggestsDataAndVeerData() throws {
        let directory = URL(fileURLWithPath: "/nonexistent/veer-data")
        let error = try #require(throws: MCDataError.self) { try MCTaskData.load(.boolq, dataDirectory: directory) }
        #expect(error == .missingFile(path: "/nonexistent/veer-data/boolq/boolq_mc.jsonl", task: .boolq))
        #expect(error.description.hasPrefix("/nonexistent/veer-data/boolq/boolq_mc.jsonl: no such file"))
        #expect(error.description.contains("--data DIR") && error.description.contains("$VEER_DATA"))
    }

    @Test func aGoodSmallFileLoads() throws {
        let directory = try directory(.copa, Self.copaLine + "\n" + Self.copaLine.replacingOccurrences(of: "\"id\": 1", with: "\"id\": 2") + "\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try MCTaskData.load(.copa, dataDirectory: directory)
        #expect(data.items.map(\.id) == ["1", "2"])
        // SHA-256 of the two lines, as `sha256sum` prints it.
        #expect(data.sha256 == "48cdf5a9e2c6edb8e77d5056ec340685843da52af9b0689c177cd5f407aa6282")
        let empty = try error(.copa, "")
        #expect(empty.message.hasPrefix(empty.file + ": no items"))
    }

    @Test func badJSONLinesNameTheLine() throws {
        let (message, file) = try error(.copa, Self.copaLine + "\n{\"id\": 2, \"split\": \n")
        #expect(message.hasPrefix(file + ": line 2: is not valid JSON ("), "\(message)")
        #expect(message.contains("expected {\"id\": integer"))
        let blank = try error(.copa, Self.copaLine + "\n\n" + Self.copaLine + "\n")
        #expect(blank.message.hasPrefix(blank.file + ": line 2: is empty"), "\(blank.message)")
        let list = try error(.copa, Self.copaLine + "\n[1, 2]\n")
        #expect(list.message.hasPrefix(list.file + ": line 2: is a list, not a JSON object; expected {"), "\(list.message)")
    }

    @Test func missingKeysAndWrongTypesNameTheKey() throws {
        for (task, line, expected) in [
            (MCTaskName.copa, Self.copaLine.replacingOccurrences(of: ", \"label\": 0", with: ""), "line 1: key \"label\" is missing; expected {"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": ["a", "b"], "label": "1"}"#, "line 1: key \"label\" is \"1\", not an integer"),
            (.boolq, #"{"id": 0, "question": "q?", "passage": "p", "choices": ["no", 7], "label": 1}"#, "line 1: key \"choices[1]\" is 7, not a string"),
            (.winogrande, #"{"id": 0, "context_options": ["a", "b"], "label": 0}"#, "line 1: key \"continuation\" is missing"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": ["a", "b"], "label": 1.5}"#, "line 1: key \"label\" is 1.5, not an integer"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": ["a", "b"], "label": true}"#, "line 1: key \"label\" is true, not an integer"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": "ab", "label": 1}"#, "line 1: key \"choices\" is \"ab\", not a list of strings"),
            (.hellaswag, #"{"id": 1, "question": "c", "choices": ["a", "b"], "label": 0, "activity_label": null, "split_type": "x"}"#,
             "line 1: key \"activity_label\" is null, not a string; expected {"),
        ] {
            let (message, file) = try error(task, line + "\n")
            #expect(message.hasPrefix(file + ": ") && message.contains(expected), "\(task): \(message)")
        }
    }

    @Test func outOfRangeAndUnexpectedValuesAreNamed() throws {
        for (task, line, expected) in [
            (MCTaskName.copa, Self.copaLine.replacingOccurrences(of: "\"label\": 0", with: "\"label\": 2"),
             "line 1: key \"label\" is 2; expected an index into \"choices\" (0 to 1)"),
            (.copa, Self.copaLine.replacingOccurrences(of: "\"dev\"", with: "\"train\""), "key \"split\" is \"train\"; expected \"dev\" or \"test\""),
            (.copa, Self.copaLine.replacingOccurrences(of: "\"cause\"", with: "\"reason\""), "key \"asks_for\" is \"reason\"; expected \"cause\" or \"effect\""),
            (.copaCloze, Self.copaLine.replacingOccurrences(of: "\"P.\"", with: "\"P\""), "key \"question\" is \"P\"; expected a premise ending in \".\""),
            (.arcChallenge, #"{"id": 0, "question": "Q?", "choices": ["a"], "label": 0}"#, "key \"choices\" has 1 entries; expected a list of 2 to 26 non-empty strings"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": ["a", " "], "label": 0}"#, "key \"choices[1]\" is \" \"; expected a non-empty string"),
            (.arcEasy, #"{"id": 0, "question": "Q?", "choices": ["a", "b"], "label": -1}"#, "key \"label\" is -1; expected an index into \"choices\" (0 to 1)"),
            (.caaAB, #"{"behavior": "refusal", "split": "test", "idx": 0, "question": "Q", "choices": ["(A)", "B"], "label": 0}"#,
             "key \"choices[1]\" is \"B\"; expected a capital letter in parentheses"),
            (.caaAB, #"{"behavior": "refusal", "split": "test", "idx": 0, "question": "Q", "choices": ["(A)", "(B)"], "label": 2}"#,
             "key \"label\" is 2; expected an index into \"choices\" (0 to 1)"),
        ] {
            let (message, file) = try error(task, line + "\n")
            #expect(message.hasPrefix(file + ": line 1: ") && message.contains(expected), "\(task): \(message)")
        }
    }

    @Test func caaSkipsOnlyTheOtherBenchmarksRows() throws {
        let rows = [
            #"{"behavior": "mmlu", "split": "test", "idx": 0, "question": "Q", "choices": ["(A)", "(B)"], "label": 0, "category": "x"}"#,
            #"{"behavior": "refusal", "split": "test", "idx": 7, "question": "Q", "choices": ["(A)", "(B)", "(C)"], "label": 2}"#,
        ]
        let directory = try directory(.caaAB, rows.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let items = try MCTaskData.load(.caaAB, dataDirectory: directory).items
        #expect(items.map(\.id) == ["refusal/7"] && items[0].index == 0 && items[0].key == .matching(index: 2))
        let onlyOthers = try error(.caaAB, rows[0])
        #expect(onlyOthers.message.hasPrefix(onlyOthers.file + ": no items"))
    }

    @Test func truthfulQAErrorsNameTheItemAndKey() throws {
        let good = #"{"question": "Q?", "mc1_targets": {"t": 1, "f": 0}, "mc2_targets": {"t": 1, "f": 0}}"#
        for (json, expected) in [
            ("[\(good), {\"question\": \"Q?\", \"mc1_targets\": {\"t\": 1, \"f\": 0}}]", "item 1: key \"mc2_targets\" is missing"),
            ("[{\"question\": \"Q?\", \"mc1_targets\": {\"t\": 1, \"f\": 2}, \"mc2_targets\": {\"t\": 1, \"f\": 0}}]",
             "item 0: key \"mc1_targets\" labels \"f\" 2; expected 0 or 1"),
            ("[{\"question\": \"Q?\", \"mc1_targets\": {\"t\": 1, \"u\": 1, \"f\": 0}, \"mc2_targets\": {\"t\": 1, \"f\": 0}}]",
             "item 0: key \"mc1_targets\" has 2 true and 1 false answers; expected exactly one answer labelled 1"),
            ("[{\"question\": \"Q?\", \"mc1_targets\": {\"t\": 1, \"f\": 0}, \"mc2_targets\": {\"t\": 0, \"f\": 0}}]",
             "item 0: key \"mc1_targets\" labels \"t\" 1 but \"mc2_targets\" labels it 0"),
            ("[{\"question\": \"Q?\", \"mc1_targets\": {\"t\": 1, \"f\": 0}, \"mc2_targets\": {\"t\": 1}}]",
             "item 0: key \"mc2_targets\" has no false answer"),
            ("[\(good), {\"question\": 5}]", "item 1: key \"question\" is 5, not a string"),
        ] {
            let (message, file) = try error(.truthfulqaMC, json)
            #expect(message.hasPrefix(file + ": ") && message.contains(expected), "\(message)")
        }
        let truncated = try error(.truthfulqaMC, "[\(good),")
        #expect(truncated.message.hasPrefix(truncated.file + ": cannot read: not valid JSON"), "\(truncated.message)")
        let notAList = try error(.truthfulqaMC, good)
        #expect(notAList.message.hasPrefix(notAList.file + ": cannot read: an object, not a JSON list of {\"question\""), "\(notAList.message)")
    }

    @Test func truthfulQAOrdersAnswersMC2TrueThenFalseThenMC1Only() throws {
        let json = #"[{"question": "Q?", "mc1_targets": {"b": 1, "z1": 0, "c0": 0}, "mc2_targets": {"d": 0, "b": 1, "a": 0, "Zed": 1}}]"#
        let directory = try directory(.truthfulqaMC, json)
        defer { try? FileManager.default.removeItem(at: directory) }
        let item = try MCTaskData.load(.truthfulqaMC, dataDirectory: directory).items[0]
        #expect(item.optionLabels == ["Zed", "b", "a", "d", "c0", "z1"])
        #expect(item.key == .truthfulQA(mc1True: 1, mc1False: [4, 5], mc2True: [0, 1], mc2False: [2, 3]))
        #expect(item.options[0].continuation == " Zed")
    }
}
