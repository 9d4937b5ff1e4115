import Foundation
import Testing

/// Runs the repository's Python tools (tools/*.py), which read GGUF with the `gguf` PyPI package (gguf-py, the
/// Python half of llama.cpp's GGUF code): an implementation independent of Veer's. Without python3 or the module
/// those tests skip with a printed reason; under CI=true `pythonGGUFPresentUnderCI` fails instead.
enum PythonGGUF {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let isAvailable: Bool = {
        let probe = try? run(["-c", "import gguf, numpy"])
        if probe?.status != 0 {
            print("Python interop tests skipped: `python3 -c 'import gguf, numpy'` failed"
                  + " (\(probe.map { $0.stderr.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "no python3")); run `pip install gguf numpy`")
        }
        return probe?.status == 0
    }()

    /// `python3 tools/<script> arguments...` from the repository root.
    static func tool(_ script: String, _ arguments: [String]) throws -> Result {
        try run([VectorTestFiles.repositoryRoot.appending(path: "tools/\(script)").path] + arguments)
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // Files, not pipes: a child that fills a pipe nobody drains would block forever.
        let directory = try TemporaryDirectory()
        let outPath = directory.path("stdout"), errPath = directory.path("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }
}
