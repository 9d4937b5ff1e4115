#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the tests find the default model and the shared goldens.
enum TestFiles {
    /// The repository root, from this file's path (Tests/TokenizersTests/TestFiles.swift).
    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The shared goldens: `<repo>/../shared/golden`. A git worktree nested one level deeper (wt/<name>) finds
    /// them by looking further up; $VEER_GOLDEN_DIR overrides both.
    static let goldens: String = {
        if let directory = environment("VEER_GOLDEN_DIR") { return directory }
        var base = repoRoot
        for _ in 0..<3 {
            base += "/.."
            if exists(base + "/shared/golden") { return base + "/shared/golden" }
        }
        return repoRoot + "/../shared/golden"
    }()

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
}

