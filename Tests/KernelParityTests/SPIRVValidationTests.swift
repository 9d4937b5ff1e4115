import Foundation
@testable import KernelsVulkan
import TestSupport
import Testing

/// Every SPIR-V module embedded in the Vulkan backend passes `spirv-val --target-env vulkan1.2`. Skipped with a
/// printed reason when spirv-val is not installed, except under CI=true, where that is a failure.
@Suite(.enabled(if: SPIRVValidator.shouldRun, "needs spirv-val (Debian: apt-get install spirv-tools)"))
struct SPIRVValidationTests {
    @Test func theBackendEmbedsModules() {
        #expect(!EmbeddedShaders.names.isEmpty)
    }

    @Test(arguments: EmbeddedShaders.names)
    func passesSpirvVal(_ name: String) throws {
        let words = try EmbeddedShaders.words(name)
        #expect(words.first == 0x0723_0203, "\(name) does not start with the SPIR-V magic number")
        let result = try SPIRVValidator.validate(words, name: name)
        #expect(result.status == 0, "spirv-val rejects \(name): \(result.output)")
    }
}

enum SPIRVValidator {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (directories + ["/usr/bin"]).map { $0 + "/spirv-val" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let shouldRun: Bool = {
        if path == nil {
            if VulkanTestDevice.isCI { return true }   // run, and fail in `validate`
            FileHandle.standardError.write(Data("SPIR-V validation skipped: spirv-val not found (install spirv-tools)\n".utf8))
            return false
        }
        return true
    }()

    /// Writes the module to a temporary file and runs spirv-val on it.
    static func validate(_ words: [UInt32], name: String) throws -> (status: Int32, output: String) {
        guard let path else { throw ToolMissing("spirv-val not found on PATH (install spirv-tools)") }
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-spirv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let module = directory.appending(path: "\(name).spv")
        try words.withUnsafeBytes { try Data($0).write(to: module) }
        let log = directory.appending(path: "spirv-val.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--target-env", "vulkan1.2", module.path]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
