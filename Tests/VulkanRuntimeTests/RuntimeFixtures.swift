import Foundation
import Testing
import VulkanRuntime

/// Push constants of Shaders/axpb.comp.
struct AxpbPush { var count: UInt32; var a: Float; var b: Float; var keep: Float }

enum RuntimeFixtures {
    /// Shaders/axpb.comp compiled with glslc (a build requirement of Veer) into SPIR-V words, once; a test that
    /// needs it fails with the reason when it cannot be compiled.
    static var axpbSPIRV: [UInt32] { get throws { try compiledAxpb.get() } }

    private static let compiledAxpb = Result<[UInt32], any Error> {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Shaders/axpb.comp")
        let output = FileManager.default.temporaryDirectory.appending(path: "veer-axpb-\(getpid()).spv")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/glslc")
        process.arguments = ["--target-env=vulkan1.2", "-O", "-o", output.path, source.path]
        do { try process.run() } catch { throw ShaderFixtureError(source: source.path, problem: "cannot run /usr/bin/glslc: \(error)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ShaderFixtureError(source: source.path, problem: "glslc exited with status \(process.terminationStatus)")
        }
        let data = try Data(contentsOf: output)
        guard !data.isEmpty, data.count % 4 == 0 else {
            throw ShaderFixtureError(source: source.path, problem: "glslc wrote \(data.count) bytes, not SPIR-V words")
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
    }

    /// A context with validation and synchronization validation, as every test uses (`validation: false` only where
    /// the failure under test is itself invalid use).
    static func context(_ options: VulkanOptions = VulkanOptions(), validation: Bool = true) throws -> VulkanContext {
        var options = options
        options.validation = validation
        return try VulkanContext.make(options)
    }

    /// Live counts without the kinds that are back to zero (a kind stays listed once seen).
    static func live(_ counter: VulkanObjectCounter) -> [VulkanObjectCounter.Kind: Int] {
        counter.live.filter { $0.value != 0 }
    }

    static func axpb(_ device: VulkanDevice, workgroup: UInt32 = 64) throws -> ComputePipeline {
        try device.makePipeline(name: "axpb", spirv: axpbSPIRV, bindingCount: 2,
                                pushConstantBytes: MemoryLayout<AxpbPush>.size, specialization: [workgroup])
    }

    static func buffer(_ device: VulkanDevice, _ values: [Float], label: String) throws -> VulkanBuffer {
        let buffer = try device.makeBuffer(byteCount: values.count * 4, label: label)
        try values.withUnsafeBytes { try buffer.write($0, at: 0) }
        return buffer
    }

    static func floats(_ buffer: VulkanBuffer, count: Int) throws -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        try out.withUnsafeMutableBytes { try buffer.read(at: 0, into: $0) }
        return out
    }

    /// Whether a Vulkan device exists; the suites skip with a printed reason when none does, and
    /// `RuntimeDeviceTests.deviceExistsUnderCI` turns that into a failure under CI=true.
    static let hasDevice: Bool = {
        let found = ((try? VulkanContext.listDevices(VulkanOptions()))?.isEmpty == false)
        if !found {
            FileHandle.standardError.write(
                "no Vulkan device: Vulkan runtime tests skipped (install mesa-vulkan-drivers for lavapipe)\n".data(using: .utf8)!)
        }
        return found
    }()
}

/// A test shader that could not be compiled, naming its source.
struct ShaderFixtureError: Error, CustomStringConvertible {
    var source: String
    var problem: String
    var description: String { "\(source): \(problem)" }
}

/// Fails the test on any validation message the context collected.
func expectNoValidationMessages(_ context: VulkanContext, sourceLocation: SourceLocation = #_sourceLocation) {
    let messages = context.validationMessages
    #expect(messages.isEmpty, "validation reported: \(messages.joined(separator: "\n"))", sourceLocation: sourceLocation)
}
