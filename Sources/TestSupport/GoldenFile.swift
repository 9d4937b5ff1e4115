import Foundation

/// Reads the goldens in `TestFileLocations.goldens`. A golden that is missing, unreadable or does not decode throws
/// `GoldenFileError`, naming the file: only the test that needs it fails, never the whole test process.
public enum GoldenFile {
    /// The path of golden `name`, once it is known to exist and be readable.
    public static func path(_ name: String) throws -> String {
        let path = TestFileLocations.goldens.appending(path: name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw GoldenFileError(path: path, problem: "no such file (the goldens live in Tests/Goldens)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GoldenFileError(path: path, problem: "not readable")
        }
        return path
    }

    /// `found` (a lookup in golden `file`), or `GoldenEntryMissing` naming the file and `entry`, what was looked for.
    public static func entry<T>(_ found: T?, in file: String, named entry: @autoclosure () -> String) throws -> T {
        guard let found else { throw GoldenEntryMissing(file: file, entry: entry()) }
        return found
    }

    /// Golden `name`, a JSON file, decoded as `T`.
    public static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let path = try path(name)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw GoldenFileError(path: path, problem: "cannot be read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw GoldenFileError(path: path, problem: "does not decode as \(T.self): \(error)")
        }
    }
}

/// A golden file a test needs but cannot use, and why.
public struct GoldenFileError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "golden \(path): \(problem)" }
}

/// A lookup in a golden that found nothing (an unknown prompt id, run name or configuration).
public struct GoldenEntryMissing: Error, CustomStringConvertible {
    public var file: String
    public var entry: String
    public init(file: String, entry: String) { self.file = file; self.entry = entry }
    public var description: String { "golden \(file) has no \(entry)" }
}
