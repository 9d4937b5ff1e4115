import Foundation

extension TestFileLocations {
    static let gemma3FileName = "gemma-3-270m-q4_k_m.gguf"

    /// Gemma 3 270M Q4_K_M, the second default-size model: $VEER_CACHE/<file>, else ~/.cache/veer/<file> (where
    /// `veer model fetch gemma3-270m` puts it), the first that exists.
    public static let gemma3Model: String? = {
        let env = ProcessInfo.processInfo.environment
        let home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache/veer/" + gemma3FileName).path
        let candidates: [String?] = [env["VEER_CACHE"].map { $0 + "/" + gemma3FileName }, home]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// Gemma 3 for a test that needs it: nil (after printing why) when it is not cached, so the test skips. Unlike
    /// the default model, CI does not require it: it is 252 MB and fetched only by `veer model fetch gemma3-270m`.
    public static func gemma3ModelOrSkip() -> String? {
        if let gemma3Model { return gemma3Model }
        print("skipping: Gemma 3 270M is not cached (run `veer model fetch gemma3-270m`)")
        return nil
    }
}
