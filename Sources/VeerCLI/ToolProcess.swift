import Foundation

/// Runs an outside program (llama-bench, and the tools that build it) to completion. Its output goes to files, not
/// pipes: a child that fills a pipe nobody drains would block forever, and llama.cpp's build prints a lot.
struct ToolProcess {
    var status: Int32
    var stdout: Data
    /// The last lines of stderr, for error messages.
    var stderrTail: String

    /// Runs `executable arguments`, capturing stdout and stderr.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> ToolProcess {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appending(path: "stdout"), errURL = directory.appending(path: "stderr")
        let status = try run(executable, arguments, environment: environment, stdout: outURL, stderr: errURL)
        return ToolProcess(status: status, stdout: try Data(contentsOf: outURL),
                           stderrTail: tail(of: try Data(contentsOf: errURL)))
    }

    /// Runs `executable arguments` with both streams appended to `log`; returns the exit status.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                    log: URL) throws -> Int32 {
        try run(executable, arguments, environment: environment, stdout: log, stderr: log)
    }

    /// The last `lines` lines of some output, as text.
    static func tail(of data: Data, lines: Int = 20) -> String {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }

    private static func run(_ executable: URL, _ arguments: [String], environment: [String: String]?,
                            stdout: URL, stderr: URL) throws -> Int32 {
        for url in Set([stdout, stderr]) where !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let out = try FileHandle(forWritingTo: stdout)
        let err = stderr == stdout ? out : try FileHandle(forWritingTo: stderr)
        defer { try? out.close(); if err !== out { try? err.close() } }
        try out.seekToEnd()
        try err.seekToEnd()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ToolProcessError.cannotStart(executable.path, "\(error)") }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

enum ToolProcessError: Error, CustomStringConvertible {
    case cannotStart(String, String)

    var description: String {
        switch self {
        case let .cannotStart(path, reason): return "could not start \(path): \(reason)"
        }
    }
}
