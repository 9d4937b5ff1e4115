import Foundation
import ModelStore

/// The small synthetic models of `tools/synthetic-models.py` (qwen2, Llama 3 with RoPE frequency factors, gemma3
/// with local and global layers), regenerated once per test process into a temporary directory: the repository
/// holds the script and llama.cpp's goldens on them (Tests/Goldens/arch), not the weights. Each file is checked
/// against the SHA-256 its golden records, so a test never compares against goldens of other weights.
public enum SyntheticArchModels {
    /// The script's repository path.
    public static let script = TestFileLocations.goldens.deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "tools/synthetic-models.py")

    private static let generated = Result<URL, any Error> {
        let dir = FileManager.default.temporaryDirectory.appending(path: "veer-synthetic-arch-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, dir.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GoldenFileError(path: script.path, problem: "exited with status \(process.terminationStatus) (needs python3 with gguf and numpy: tools/setup): \(String(decoding: message, as: UTF8.self))")
        }
        return dir
    }

    /// The path of synthetic model `name` ("synthetic-qwen2", ...) after checking its SHA-256 against `expected`.
    public static func path(_ name: String, sha256 expected: String) throws -> String {
        let file = try generated.get().appending(path: name + ".gguf")
        let found = try ModelStore.sha256(of: file)
        guard found == expected else {
            throw GoldenFileError(path: file.path, problem: "SHA-256 \(found) differs from the golden's \(expected): the script or its gguf/numpy version writes other bytes than the goldens were made on")
        }
        return file.path
    }
}
