import Foundation

/// Where every test target finds the default model and the shared goldens: one lookup, so a new place the model
/// can live (an environment variable, a cache directory) is learnt once.
public enum TestFileLocations {
    static let modelFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The default model: $VEER_MODEL, else $VEER_CACHE/<file>, else ~/.cache/veer/<file> (where `veer model fetch`
    /// puts it), the first that exists.
    public static let defaultModel: String? = {
        let env = ProcessInfo.processInfo.environment
        let home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache/veer/" + modelFileName).path
        let candidates: [String?] = [env["VEER_MODEL"], env["VEER_CACHE"].map { $0 + "/" + modelFileName }, home]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// The default model for a test that needs it: nil (after printing why) when it is absent, so the test skips;
    /// under CI=true an absent model is an error, so CI cannot pass without it.
    public static func defaultModelOrSkip() throws -> String? {
        if let defaultModel { return defaultModel }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw MissingModel() }
        print("skipping: the default model is not cached (set VEER_MODEL or run `veer model fetch`)")
        return nil
    }

    public struct MissingModel: Error, CustomStringConvertible {
        public var description: String { "CI=true but the default model is missing: CI must run `veer model fetch`" }
    }

    /// The shared goldens: `<repo>/../shared/golden`. A git worktree nested deeper (wt/<name>) finds them by
    /// looking further up; $VEER_GOLDEN_DIR overrides both. Tests and CI only: the CLI never reads them.
    public static let goldens: URL = {
        if let directory = ProcessInfo.processInfo.environment["VEER_GOLDEN_DIR"] { return URL(fileURLWithPath: directory) }
        // This file is <repo>/Sources/TestSupport/TestFileLocations.swift.
        let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var base = repoRoot
        for _ in 0..<3 {
            base = base.deletingLastPathComponent()
            let candidate = base.appending(path: "shared/golden")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return repoRoot.deletingLastPathComponent().appending(path: "shared/golden")
    }()
}

/// ../shared/golden beside the repository root (see `TestFileLocations.goldens`).
public var sharedGoldenDirectory: URL { TestFileLocations.goldens }
