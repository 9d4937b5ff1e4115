import Analysis
import Foundation
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import TestSupport
import Tokenizers
import VulkanRuntime

/// The default model and a steering vector for the sweep tests: the CPU backend with a slot per alpha of a small
/// grid, lavapipe with a short context (it is slow), and llama.cpp's "happy" control vector.
enum SweepFixture {
    nonisolated(unsafe) private static let loadedCPU = Result {
        try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 5, contextSize: 160, maxRows: 512)
    }
    /// 5 slots of 160 positions; `.serialized` suites only.
    static var cpu: LlamaModel<CPUBackend> { get throws { try loadedCPU.get() } }

    /// A Vulkan context and backend of its own: other targets' suites drive `VulkanModelFixture`'s backend in the
    /// same test process at the same time, and a backend records one stream of work at a time.
    static let vulkanContext: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))
    static var vulkanEnabled: Bool { ModelFixture.enabled && vulkanContext != nil }
    nonisolated(unsafe) private static let loadedVulkan = Result {
        guard let vulkanContext else { throw SweepFixtureError("no Vulkan device") }
        return try LlamaModel(source: ModelFixture.file, backend: VulkanBackend(context: vulkanContext), slots: 5, contextSize: 24,
                              maxRows: 64)
    }
    /// 5 slots of 24 positions on lavapipe.
    static var vulkan: LlamaModel<VulkanBackend> { get throws { try loadedVulkan.get() } }

    private static let loadedTokenizer = Result { try Tokenizer(metadata: ModelFixture.file.metadata) }
    static var tokenizer: Tokenizer { get throws { try loadedTokenizer.get() } }

    /// The happy vector (every block 1...29) at strength 1; alpha scales it.
    static var steering: SweepSteering {
        get throws {
            let vector = try SteeringVector.load(path: try GoldenFile.vectorFile("cvector-happy.gguf"))
            return SweepSteering(entries: [try SteeringEntry(vector: vector)])
        }
    }

    static func prompt(_ text: String = "Today I feel") throws -> [Int32] {
        let tokenizer = try tokenizer
        return SweepPrompt.tokens(text, tokenizer: tokenizer, addBOS: tokenizer.vocabulary.addsBOS, limit: 100).ids
    }
}

struct SweepFixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
