import Foundation
import Testing

/// The CLI's behaviour at its edges: no Vulkan driver, a relocated binary, bad model paths.
@Suite("veer: errors and relocation")
struct RobustnessCLITests {
    /// With no Vulkan driver at all, asking for the Vulkan backend is a clear error (exit non-zero, a message naming
    /// the problem and the fix), not a crash; `veer info` still lists the CPU backend.
    @Test func missingVulkanDriverIsAClearError() throws {
        let env = ["VK_DRIVER_FILES": "/nonexistent/veer-test-icd.json", "VK_ICD_FILENAMES": "/nonexistent/veer-test-icd.json"]
        let bench = try VeerProcess.run(["bench", "kernels", "--small", "--backend", "vulkan", "--filter", "rmsnorm"], environment: env)
        #expect(bench.status != 0)
        #expect(bench.stderr.contains("no Vulkan device"), "stderr: \(bench.stderr)")
        let info = try VeerProcess.run(["info"], environment: env)
        #expect(info.status == 0, "stderr: \(info.stderr)")
        #expect(info.stdout.lowercased().contains("cpu"))
    }

    /// The SPIR-V is embedded in the binary, so a copy elsewhere runs its Vulkan kernels without the build folder.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VK_DRIVER_FILES"] == nil))
    func copiedBinaryStillRunsItsKernels() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appending(path: "veer")
        // Copied by cp, not in this process: while this process held the copy open for writing, a child that another
        // test spawned meanwhile inherited that descriptor, and running the copy failed with ETXTBSY ("Text file busy").
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = [try VeerProcess.executable.path, copy.path]
        try cp.run()
        cp.waitUntilExit()
        try #require(cp.terminationStatus == 0, "cp exited with \(cp.terminationStatus)")
        let process = Process()
        process.executableURL = copy
        process.arguments = ["bench", "kernels", "--small", "--backend", "all", "--filter", "rmsnorm", "--json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["passed"] as? Bool == true })
    }

    @Test func missingModelNamesTheFetchCommand() throws {
        let result = try VeerProcess.run(["generate", "hello"], environment: ["VEER_CACHE": "/nonexistent/veer-cache", "VEER_MODEL": ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("veer model fetch"), "stderr: \(result.stderr)")
    }

    @Test func badModelFileIsRejectedByName() throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "veer-not-a-model-\(UUID().uuidString).gguf")
        try Data("definitely not GGUF".utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try VeerProcess.run(["generate", "--model", path.path, "--backend", "cpu", "hello"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path.lastPathComponent), "stderr: \(result.stderr)")
    }

    @Test(arguments: [["generate", "--temperature", "-1", "x"], ["generate", "--max-tokens", "x", "y"],
                      ["logits", "--top", "0", "x"], ["generate", "--precision", "f8", "x"]])
    func badOptionValuesExitNonZero(_ arguments: [String]) throws {
        let result = try VeerProcess.run(arguments, environment: ["VEER_CACHE": "/nonexistent/veer-cache"])
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }
}
