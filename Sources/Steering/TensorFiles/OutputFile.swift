import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files written whole or not at all (through `BinaryFileSink`), for outputs beside the tensor files.
public enum OutputFile {
    /// Fails, naming the path and the cause in plain words, when a file cannot be created at `url` (a missing or
    /// read-only directory, no permission, a full disk). Leaves nothing behind.
    public static func checkWritable(_ url: URL) throws {
        try BinaryFileSink(url: url).discard()
    }

    /// Creates the directory `url` and its missing parents; the error names the path and the cause in plain words.
    public static func createDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BinaryFileSink.failure(url.path, ENOTDIR) }
            return
        }
        // mkdir(2) one level at a time, for its errno (Foundation's error loses the cause on Linux).
        let parent = url.deletingLastPathComponent()
        if parent.path != url.path { try createDirectory(parent) }
        guard mkdir(url.path, 0o755) == 0 || errno == EEXIST else { throw BinaryFileSink.failure(url.path, errno) }
    }

    /// Writes `bytes` under a temporary name beside `url` and renames it into place.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let sink = try BinaryFileSink(url: url)
        try sink.write(bytes)
        try sink.commit()
    }
}
