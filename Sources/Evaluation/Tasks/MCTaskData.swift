import Foundation

/// A task's items as read from its data file, with the file's path and SHA-256 for the results' provenance.
public struct MCTaskData: Sendable {
    public var task: MCTaskName
    /// The path read.
    public var file: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    public var items: [MCItem]

    public init(task: MCTaskName, file: String, sha256: String, items: [MCItem]) {
        self.task = task; self.file = file; self.sha256 = sha256; self.items = items
    }

    /// Loads `task` from `dataDirectory` (its `dataFile` under it). A missing file or a malformed line is an
    /// `MCDataError` naming the file and the 1-based line (JSONL) or the 0-based item (JSON list) and the key.
    public static func load(_ task: MCTaskName, dataDirectory: URL) throws -> MCTaskData {
        let file = try MCDataFile.read(task, from: dataDirectory)
        let items: [MCItem]
        let layout: String
        switch task {
        case .truthfulqaMC: (items, layout) = (try TruthfulQAMCReader.items(file), TruthfulQAMCReader.layout)
        case .copa: (items, layout) = (try COPAReader.items(file, cloze: false), COPAReader.layout)
        case .copaCloze: (items, layout) = (try COPAReader.items(file, cloze: true), COPAReader.layout)
        case .arcEasy, .arcChallenge: (items, layout) = (try ARCReader.items(file), ARCReader.layout)
        case .hellaswag: (items, layout) = (try HellaSwagReader.items(file), HellaSwagReader.layout)
        case .boolq: (items, layout) = (try BoolQReader.items(file), BoolQReader.layout)
        case .winogrande: (items, layout) = (try WinograndeReader.items(file), WinograndeReader.layout)
        case .caaAB: (items, layout) = (try CAAABReader.items(file), CAAABReader.layout + " with a behaviour other than \"mmlu\" and \"truthfulqa\" and split \"test\"")
        }
        guard !items.isEmpty else { throw MCDataError.noItems(file: file.path, expected: layout) }
        return MCTaskData(task: task, file: file.path, sha256: file.sha256, items: items)
    }
}
