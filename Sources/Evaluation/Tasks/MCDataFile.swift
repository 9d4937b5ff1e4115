import Foundation
import ModelStore

/// A task's data file read into memory: its bytes (hashed for results) and its JSON objects, either one per line
/// (JSONL) or one JSON list. Errors name the file, the 1-based line or 0-based item and the layout expected.
struct MCDataFile {
    let path: String
    let data: Data

    /// Reads `task.dataFile` under `directory`; a missing file says how to point Veer at the data.
    static func read(_ task: MCTaskName, from directory: URL) throws -> MCDataFile {
        let url = directory.appending(path: task.dataFile)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MCDataError.missingFile(path: url.path, task: task)
        }
        do { return MCDataFile(path: url.path, data: try Data(contentsOf: url)) } catch {
            throw MCDataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Lowercase hex SHA-256 of the file's bytes.
    var sha256: String { ModelStore.sha256(of: data) }

    /// One record per line, each a JSON object. Only a final newline may leave an empty line; `layout` describes a
    /// row for errors.
    func jsonLines(layout: String) throws -> [MCDataRecord] {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return try lines.enumerated().map { offset, line in
            let location = MCDataLocation.line(offset + 1)
            guard line.contains(where: { ![UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains($0) }) else {
                throw malformed(at: location, key: nil, problem: "is empty", expected: layout)
            }
            let value: Any
            do { value = try JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]) } catch {
                throw malformed(at: location, key: nil, problem: "is not valid JSON (\(Self.reason(error)))", expected: layout)
            }
            return try record(value, at: location, layout: layout)
        }
    }

    /// One record per element of a JSON list, each a JSON object.
    func jsonList(layout: String) throws -> [MCDataRecord] {
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw MCDataError.unreadable(file: path, reason: "not valid JSON (\(Self.reason(error)))")
        }
        guard let list = value as? [Any] else {
            throw MCDataError.unreadable(file: path, reason: "\(MCDataRecord.describe(value)), not a JSON list of \(layout)")
        }
        return try list.enumerated().map { try record($0.element, at: .item($0.offset), layout: layout) }
    }

    /// A row-level error at `location`.
    func malformed(at location: MCDataLocation, key: String?, problem: String, expected: String) -> MCDataError {
        .malformed(file: path, at: location, key: key, problem: problem, expected: expected)
    }

    private func record(_ value: Any, at location: MCDataLocation, layout: String) throws -> MCDataRecord {
        guard let object = value as? [String: Any] else {
            throw malformed(at: location, key: nil, problem: "is \(MCDataRecord.describe(value)), not a JSON object", expected: layout)
        }
        return MCDataRecord(file: self, location: location, object: object, layout: layout)
    }

    /// JSONSerialization's own account of the fault (position and cause) where it gives one.
    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        return (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }
}

/// One JSON object of a data file with typed reads: a missing key or a value of the wrong kind is an error naming
/// the file, the line or item, the key, what was found and the row layout expected.
struct MCDataRecord {
    let file: MCDataFile
    let location: MCDataLocation
    let object: [String: Any]
    let layout: String

    func string(_ key: String) throws -> String {
        let value = try self.value(key)
        guard let string = value as? String else { throw wrongKind(key, value, "a string") }
        return string
    }

    /// An integer: a JSON number with no fraction, not a boolean.
    func int(_ key: String) throws -> Int {
        let value = try self.value(key)
        guard let integer = Self.integer(value) else { throw wrongKind(key, value, "an integer") }
        return integer
    }

    func strings(_ key: String) throws -> [String] {
        let value = try self.value(key)
        guard let list = value as? [Any] else { throw wrongKind(key, value, "a list of strings") }
        return try list.enumerated().map { offset, element in
            guard let string = element as? String else { throw wrongKind("\(key)[\(offset)]", element, "a string") }
            return string
        }
    }

    /// An object whose values are integers (TruthfulQA's {answer: label}).
    func integers(_ key: String) throws -> [String: Int] {
        let value = try self.value(key)
        guard let object = value as? [String: Any] else { throw wrongKind(key, value, "an object {answer: 0 or 1}") }
        return try object.mapValues { element in
            guard let integer = Self.integer(element) else { throw wrongKind(key, element, "an object {answer: 0 or 1}") }
            return integer
        }
    }

    func error(_ key: String?, _ problem: String, expected: String) -> MCDataError {
        file.malformed(at: location, key: key, problem: problem, expected: expected)
    }

    private func value(_ key: String) throws -> Any {
        guard let value = object[key] else { throw error(key, "is missing", expected: layout) }
        return value
    }

    private func wrongKind(_ key: String, _ value: Any, _ kind: String) -> MCDataError {
        error(key, "is \(Self.describe(value)), not \(kind)", expected: layout)
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// A short account of a JSON value for errors: `"text"`, `1.5`, `true`, `null`, `a list`, `an object`.
    static func describe(_ value: Any) -> String {
        switch value {
        case let string as String:
            let short = string.count > 60 ? String(string.prefix(57)) + "..." : string
            return "\"" + short.replacingLikePython("\n", with: "\\n") + "\""
        case is NSNull: return "null"
        case let number as NSNumber: return isBoolean(number) ? (number.boolValue ? "true" : "false") : "\(number)"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "\(value)"
        }
    }
}
