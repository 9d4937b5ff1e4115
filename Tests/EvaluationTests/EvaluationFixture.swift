import Evaluation
import Testing
import Foundation
import GGUF
import KernelsCPU
import KernelsVulkan
import Llama
import TestSupport
import Tokenizers
import VulkanRuntime

/// The model and data the scorer tests share: the default model on the CPU backend with room for a wave of options
/// of the test items, the tokenizer and chat template, and items of the repository's data files.
enum EvaluationFixture {
    nonisolated(unsafe) private static let loadedCPU = Result {
        try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 16, contextSize: 256, maxRows: 512)
    }
    /// 16 slots of 256 positions; `.serialized` suites only (one pass at a time).
    static var cpu: LlamaModel<CPUBackend> { get throws { try loadedCPU.get() } }

    /// A Vulkan context and backend of its own (validation on): other targets' suites drive `VulkanModelFixture`'s
    /// backend in the same test process at the same time, and a backend records one stream of work at a time.
    static let vulkanContext: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))
    static var vulkanEnabled: Bool { ModelFixture.enabled && vulkanContext != nil }
    nonisolated(unsafe) private static let loadedVulkan = Result {
        guard let vulkanContext else { throw NoVulkanContext() }
        return try LlamaModel(source: ModelFixture.file, backend: VulkanBackend(context: vulkanContext), slots: 4,
                              contextSize: 160, maxRows: 160)
    }
    /// 4 slots of 160 positions on lavapipe.
    static var vulkan: LlamaModel<VulkanBackend> { get throws { try loadedVulkan.get() } }

    private static let loadedTokenizer = Result { try Tokenizer(metadata: ModelFixture.file.metadata) }
    static var tokenizer: Tokenizer { get throws { try loadedTokenizer.get() } }
    static var template: ChatTemplate { get throws { try ChatTemplate(metadata: ModelFixture.file.metadata) } }
    static var addBOS: Bool { get throws { try tokenizer.vocabulary.addsBOS } }

    /// The first `count` items of `task` from the repository's data.
    static func items(_ task: MCTaskName, first count: Int) throws -> [MCItem] {
        Array(try MCTaskData.load(task, dataDirectory: TestFileLocations.data).items.prefix(count))
    }

    static func tokenize(_ items: [MCItem]) throws -> TokenizedTask {
        try TokenizedTask(items: items, tokenizer: tokenizer, template: template, addBOS: addBOS)
    }
}

/// Every suite that runs `EvaluationFixture`'s models: one at a time, since a model's run state serves one pass at a
/// time.
@Suite("Evaluation on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct EvaluationModelTests {}
