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
            FileHandle.standardError.write("model tests skipped: the default model is not cached (run `veer model fetch`)\n".data(using: .utf8)!)
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

    public static let file: GGUFFile = try! GGUFFile(path: path!)

    /// One CPU model with room for the longest test batch (six prompts, or a prompt plus 32 tokens). Shared by
    /// `.serialized` suites only: a model's run state serves one forward pass at a time.
    nonisolated(unsafe) public static let cpuModel: LlamaModel<CPUBackend> = try! LlamaModel(source: file, backend: CPUBackend(), slots: 6, contextSize: 256, maxRows: 160)
}

/// The Vulkan model (lavapipe in CI), with validation and synchronization validation on, as in every Vulkan test.
public enum VulkanModelFixture {
    public static let context: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))

    public static var enabled: Bool { ModelFixture.enabled && context != nil }

    nonisolated(unsafe) public static let backend: VulkanBackend = VulkanBackend(context: context!)

    nonisolated(unsafe) public static let model: LlamaModel<VulkanBackend> =
        try! LlamaModel(source: ModelFixture.file, backend: backend, slots: 6, contextSize: 256, maxRows: 160)
}
