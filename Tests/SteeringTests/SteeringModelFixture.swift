import Foundation
import GGUF
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import Testing
import TestSupport
import Tokenizers
import VulkanRuntime

/// The model instances the Steering model tests share: on the CPU the shape of `ModelFixture.cpuModel` (maxRows 160,
/// 6 slots, context 256) but its own run state, because LlamaTests' suites drive `ModelFixture.cpuModel` in the same test
/// process and a model serves one forward pass at a time. Every suite that runs it nests in `SteeringModelTests`,
/// whose `.serialized` applies to all of them.
enum SteeringModelFixture {
    nonisolated(unsafe) private static let loadedCPU = Result {
        try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 6, contextSize: 256, maxRows: 160)
    }
    static var cpu: LlamaModel<CPUBackend> { get throws { try loadedCPU.get() } }

    private static let loadedTokenizer = Result { try Tokenizer(file: ModelFixture.file) }
    static var tokenizer: Tokenizer { get throws { try loadedTokenizer.get() } }

    /// A Vulkan model of its own too (LlamaTests drives `VulkanModelFixture.model`), with validation on.
    static let vulkanContext: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))
    static var vulkanEnabled: Bool { ModelFixture.enabled && vulkanContext != nil }
    nonisolated(unsafe) private static let loadedVulkanBackend = Result<VulkanBackend, any Error> {
        guard let vulkanContext else { throw NoVulkanContext() }
        return VulkanBackend(context: vulkanContext)
    }
    static var vulkanBackend: VulkanBackend { get throws { try loadedVulkanBackend.get() } }
    nonisolated(unsafe) private static let loadedVulkan = Result {
        try LlamaModel(source: ModelFixture.file, backend: vulkanBackend, slots: 3, contextSize: 256, maxRows: 96)
    }
    static var vulkan: LlamaModel<VulkanBackend> { get throws { try loadedVulkan.get() } }

    /// llama.cpp's control vectors of the goldens (mean and PCA methods).
    private static let loadedHappy = Result { try SteeringVector.load(path: GoldenFile.vectorFile("cvector-happy.gguf")) }
    private static let loadedHappyPCA = Result { try SteeringVector.load(path: GoldenFile.vectorFile("cvector-happy-pca.gguf")) }
    static var happy: SteeringVector { get throws { try loadedHappy.get() } }
    static var happyPCA: SteeringVector { get throws { try loadedHappyPCA.get() } }
}

@Suite("Steering on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct SteeringModelTests {}

/// Cosine similarity in f64.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, aa = 0.0, bb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); aa += Double(x) * Double(x); bb += Double(y) * Double(y) }
    return dot / (aa.squareRoot() * bb.squareRoot())
}
