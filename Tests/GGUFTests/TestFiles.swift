#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files the GGUF tests read and write (the default model: `TestFileLocations`).
enum TestFiles {
    /// The repository root, from this file's path (Tests/GGUFTests/TestFiles.swift).
    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let fuzzCorpus = repoRoot + "/Tests/GGUFTests/FuzzCorpus"

    static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// A unique path in the temporary directory.
    static func temporaryPath(_ stem: String) -> String {
        let directory = environment("TMPDIR") ?? "/tmp"
        return "\(directory)/veer-\(stem)-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).gguf"
    }
}

@discardableResult
func unlinkFile(_ path: String) -> Int32 { unlink(path) }
