import Foundation
import ModelStore

/// Where every test target finds the default model and the goldens: one lookup, so a new place the model
/// can live (an environment variable, a cache directory) is learnt once.
public enum TestFileLocations {
    static let modelFileName = KnownModel.smollm2.fileName

    /// The default model: $VEER_MODEL, else $VEER_CACHE/<file>, else ~/.cache/veer/<file> (where `veer model fetch`
    /// puts it), the first that exists.
    public static let defaultModel: String? = {
        let env = ProcessInfo.processInfo.environment
        let home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache/veer/" + modelFileName).path
        let candidates: [String?] = [env["VEER_MODEL"], env["VEER_CACHE"].map { $0 + "/" + modelFileName }, home]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// Gemma 3 270M Q4_K_M (`veer model fetch gemma3-270m`): $VEER_CACHE/<file>, else ~/.cache/veer/<file>.
    public static let gemmaModel: String? = cached(KnownModel.gemma3_270m.fileName)

    /// A model file in the cache `veer model fetch` fills, if it is there.
    static func cached(_ fileName: String) -> String? {
        let env = ProcessInfo.processInfo.environment
        let home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache/veer/" + fileName).path
        return [env["VEER_CACHE"].map { $0 + "/" + fileName }, home].compactMap { $0 }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Gemma 3 270M for a test that needs it: nil (after printing why) when it is absent, so the test skips; under
    /// CI=true an absent model is an error (tools/test fetches it).
    public static func gemmaModelOrSkip() throws -> String? {
        if let gemmaModel { return gemmaModel }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw MissingModel(name: "gemma3-270m") }
        print("skipping: Gemma 3 270M is not cached (run `veer model fetch gemma3-270m`)")
        return nil
    }

    /// The default model for a test that needs it: nil (after printing why) when it is absent, so the test skips;
    /// under CI=true an absent model is an error, so CI cannot pass without it.
    public static func defaultModelOrSkip() throws -> String? {
        if let defaultModel { return defaultModel }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw MissingModel() }
        print("skipping: the default model is not cached (set VEER_MODEL or run `veer model fetch`)")
        return nil
    }

    public struct MissingModel: Error, CustomStringConvertible {
        public var name: String? = nil
        public var description: String {
            "CI=true but the \(name ?? "default") model is missing: CI must run `veer model fetch\(name.map { " " + $0 } ?? "")`"
        }
    }

    /// The goldens the tests compare with: `<repo>/Tests/Goldens`, part of the repository (its SOURCE.md says what
    /// produced each file). Tests only: the CLI never reads them.
    public static let goldens: URL = {
        // This file is <repo>/Sources/TestSupport/TestFileLocations.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Tests/Goldens")
    }()

    /// The evaluation sets and contrastive data shipped with the repository: `<repo>/data` (see data/README.md).
    public static let data: URL = goldens.deletingLastPathComponent().deletingLastPathComponent().appending(path: "data")
}
