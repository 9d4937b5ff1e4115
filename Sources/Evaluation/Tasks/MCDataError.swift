/// Where in a data file a problem is: a 1-based line of a JSONL file or a 0-based item of a JSON list.
public enum MCDataLocation: Sendable, Equatable, CustomStringConvertible {
    case line(Int)
    case item(Int)

    public var description: String {
        switch self {
        case .line(let line): "line \(line)"
        case .item(let item): "item \(item)"
        }
    }
}

/// Why a task's data file cannot be read into items. Each message names the file, and where it applies the line or
/// item, the key, what was found and what was expected.
public enum MCDataError: Error, CustomStringConvertible, Equatable {
    /// The task's data file is not there.
    case missingFile(path: String, task: MCTaskName)
    /// The file exists but cannot be read, or is not what its reader expects as a whole (not a JSON list).
    case unreadable(file: String, reason: String)
    /// One line or item is wrong: `key` (nil when the whole line is at fault) has `problem`; `expected` says what
    /// should be there.
    case malformed(file: String, at: MCDataLocation, key: String?, problem: String, expected: String)
    /// The file holds no item of the task.
    case noItems(file: String, expected: String)

    public var description: String {
        switch self {
        case let .missingFile(path, task):
            return "\(path): no such file: the \(task.rawValue) task reads \(task.dataFile) under the data directory "
                + "(the repository's data/ folder); pass --data DIR or set $VEER_DATA to a directory that holds it"
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .malformed(file, location, key, problem, expected):
            let subject = key.map { "key \"\($0)\" " } ?? ""
            return "\(file): \(location): \(subject)\(problem); expected \(expected)"
        case let .noItems(file, expected):
            return "\(file): no items; expected \(expected)"
        }
    }
}
