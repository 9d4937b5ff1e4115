import Foundation
import Testing

/// Runs the built `veer` executable, capturing its exit status, stdout and stderr separately (the CLI's contract is
/// about which stream carries what).
struct VeerProcess {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The `veer` binary built beside this test bundle (`swift test` builds both into the same products directory).
    static var executable: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            var directory = testBinary.deletingLastPathComponent()
            // The test bundle may be a directory (…/VeerPackageTests.xctest/…) on some platforms: walk up to the
            // products directory that holds `veer`.
            for _ in 0..<4 {
                let candidate = directory.appending(path: "veer")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw CLITestError("no veer executable next to \(testBinary.path); build it with `swift build`")
        }
    }

    /// Runs veer with `arguments`; `input`, when given, is its standard input.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) throws -> VeerProcess {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        // Files, not pipes: a child that fills a pipe nobody drains would block forever.
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appending(path: "stdout"), errURL = directory.appending(path: "stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let input {
            let inURL = directory.appending(path: "stdin")
            try Data(input.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close()
        return VeerProcess(status: process.terminationStatus,
                           stdout: try String(contentsOf: outURL, encoding: .utf8),
                           stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// stdout parsed as exactly one JSON document.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension VeerProcess {
    /// `veer logits --backend cpu --top 5 --json ARGUMENTS "The capital of France is"`, expected to succeed, with its
    /// JSON document.
    static func logitsJSON(_ arguments: [String]) throws -> (result: VeerProcess, json: [String: Any]) {
        let result = try run(["logits", "--backend", "cpu", "--top", "5", "--json"] + arguments + ["The capital of France is"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return (result, try #require(try result.json() as? [String: Any]))
    }

    /// The run manifest's `steering` object of a `--json` document, if the run was steered.
    static func steeringManifest(_ json: [String: Any]) -> [String: Any]? {
        (json["run"] as? [String: Any])?["steering"] as? [String: Any]
    }

    /// The manifest's steered vectors; a run without them fails the test.
    static func steeredVectors(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(steeringManifest(json)?["vectors"] as? [[String: Any]])
    }

    /// The manifest's `--layers`, if any.
    static func steeredLayers(_ json: [String: Any]) -> String? { steeringManifest(json)?["layers"] as? String }
}
