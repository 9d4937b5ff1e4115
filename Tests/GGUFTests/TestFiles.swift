#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the tests find the default model and the shared goldens.
enum TestFiles {
    /// The repository root, from this file's path (Tests/GGUFTests/TestFiles.swift).
    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let fuzzCorpus = repoRoot + "/Tests/GGUFTests/FuzzCorpus"

    static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    static func exists(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// The default model: $VEER_MODEL, else ~/.cache/veer/SmolLM2-135M-Instruct.Q4_1.gguf. Returns nil (after
    /// printing why) when it is absent, so the test is skipped; under CI=true an absent model is a test failure.
    static func model() throws -> String? {
        let path = environment("VEER_MODEL")
            ?? (environment("HOME") ?? "/root") + "/.cache/veer/SmolLM2-135M-Instruct.Q4_1.gguf"
        if exists(path) { return path }
        if environment("CI") == "true" { throw MissingFile(path: path) }
        print("skipping: model file \(path) not found (set VEER_MODEL or run tools/fetch-model)")
        return nil
    }

    struct MissingFile: Error, CustomStringConvertible {
        var path: String
        var description: String { "CI=true but the model file \(path) is missing" }
    }

    /// A unique path in the temporary directory.
    static func temporaryPath(_ stem: String) -> String {
        let directory = environment("TMPDIR") ?? "/tmp"
        return "\(directory)/veer-\(stem)-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).gguf"
    }
}

/// SplitMix64: a tiny seeded generator, so every fuzz run mutates the same bytes in the same way.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@discardableResult
func unlinkFile(_ path: String) -> Int32 { unlink(path) }
