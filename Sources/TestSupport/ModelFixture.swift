import Foundation
import GGUF
import KernelsCPU
import KernelsVulkan
import Llama
import VulkanRuntime

/// The default model for the model tests: $VEER_MODEL, else the cache `veer model fetch` fills. Without it the
/// tests skip with a printed reason, except under CI=true, where `ModelAvailabilityTests` fails.
public enum ModelFixture {
    public static let path: String? = {
        let found = TestFileLocations.defaultModel
        if found == nil {
            FileHandle.standardError.write(Data("model tests skipped: the default model is not cached (run `veer model fetch`)\n".utf8))
        }
        return found
    }()

    /// Model tests run the whole network: in a debug build the CPU path is too slow for CI's time budget, so they
    /// run in release builds (the README's test command runs both).
    public static var isRelease: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    public static var enabled: Bool { path != nil && isRelease }

    private static let openedFile = Result<GGUFFile, any Error> {
        guard let path else { throw ModelNotCached() }
        return try GGUFFile(path: path)
    }

    /// The default model's file, opened once; a test that needs it fails with the file's error.
    public static var file: GGUFFile { get throws { try openedFile.get() } }

    nonisolated(unsafe) private static let loadedCPUModel = Result {
        try LlamaModel(source: file, backend: CPUBackend(), slots: 6, contextSize: 256, maxRows: 160)
    }

    /// One CPU model with room for the longest test batch (six prompts, or a prompt plus 32 tokens). Shared by
    /// `.serialized` suites only: a model's run state serves one forward pass at a time.
    public static var cpuModel: LlamaModel<CPUBackend> { get throws { try loadedCPUModel.get() } }

    nonisolated(unsafe) private static let loadedCPUQ8Model = Result {
        try LlamaModel(source: file, backend: CPUBackend(precision: .q8), slots: 1, contextSize: 256, maxRows: 64)
    }

    /// The default model on the CPU backend in `Precision.q8` (one slot; for `.serialized` suites only).
    public static var cpuQ8Model: LlamaModel<CPUBackend> { get throws { try loadedCPUQ8Model.get() } }
}

/// The Vulkan model (lavapipe in CI), with validation and synchronization validation on, as in every Vulkan test.
public enum VulkanModelFixture {
    public static let context: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))

    public static var enabled: Bool { ModelFixture.enabled && context != nil }

    nonisolated(unsafe) private static let loadedBackend = Result<VulkanBackend, any Error> {
        guard let context else { throw NoVulkanContext() }
        return VulkanBackend(context: context)
    }

    public static var backend: VulkanBackend { get throws { try loadedBackend.get() } }

    nonisolated(unsafe) private static let loadedModel = Result {
        try LlamaModel(source: ModelFixture.file, backend: backend, slots: 6, contextSize: 256, maxRows: 160)
    }

    public static var model: LlamaModel<VulkanBackend> { get throws { try loadedModel.get() } }
}

/// A Vulkan model test ran without a Vulkan context (its suite should have been disabled).
public struct NoVulkanContext: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "no Vulkan context with validation could be made on this machine" }
}

/// A model test ran without the default model (its suite should have been disabled).
public struct ModelNotCached: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the default model is not cached (set VEER_MODEL or run `veer model fetch`)" }
}
