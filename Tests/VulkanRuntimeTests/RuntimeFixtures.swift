import Foundation
import Testing
import VulkanRuntime

/// Push constants of Shaders/axpb.comp.
struct AxpbPush { var count: UInt32; var a: Float; var b: Float; var keep: Float }

enum RuntimeFixtures {
    /// Compiles Shaders/axpb.comp with glslc (a build requirement of Veer) into SPIR-V words.
    static let axpbSPIRV: [UInt32] = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Shaders/axpb.comp")
        let output = FileManager.default.temporaryDirectory.appending(path: "veer-axpb-\(getpid()).spv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/glslc")
        process.arguments = ["--target-env=vulkan1.2", "-O", "-o", output.path, source.path]
        try! process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "glslc failed on \(source.path)")
        let data = try! Data(contentsOf: output)
        try? FileManager.default.removeItem(at: output)
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
    }()

    /// A context with validation and synchronization validation, as every test uses.
    static func context(_ options: VulkanOptions = VulkanOptions(validation: true)) throws -> VulkanContext {
        var options = options
        options.validation = true
        return try VulkanContext.make(options)
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

/// Fails the test on any validation message the context collected.
func expectNoValidationMessages(_ context: VulkanContext, sourceLocation: SourceLocation = #_sourceLocation) {
    let messages = context.validationMessages
    #expect(messages.isEmpty, "validation reported: \(messages.joined(separator: "\n"))", sourceLocation: sourceLocation)
}
