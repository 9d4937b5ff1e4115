import Foundation
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Serving
import Steering
import Tokenizers
import TestSupport
import VulkanRuntime

/// Engines on the default model for the engine tests (release builds): each test makes its own engine (and shuts it
/// down) on a model of its own, since an engine's thread owns the model's run state.
enum EngineFixture {
    private static let loadedTokenizer = Result { try Tokenizer(file: ModelFixture.file) }
    static var tokenizer: Tokenizer { get throws { try loadedTokenizer.get() } }

    /// llama.cpp's happy control vector of the goldens.
    private static let loadedHappy = Result { try SteeringVector.load(path: GoldenFile.vectorFile("cvector-happy.gguf")) }
    static var happy: SteeringVector { get throws { try loadedHappy.get() } }

    static let vulkanContext: VulkanContext? = try? VulkanContext.make(VulkanOptions(validation: true))
    static var vulkanEnabled: Bool { ModelFixture.enabled && vulkanContext != nil }

    static func cpuEngine(slots: Int = 8, context: Int = 192, queue: Int = 16) throws -> BatchEngine<CPUBackend> {
        let model = try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: slots, contextSize: context, maxRows: 64)
        return try BatchEngine(model: model, tokenizer: tokenizer, queueCapacity: queue, maxTokensLimit: 512, prefillChunk: 16,
                               backend: "cpu")
    }

    static func vulkanEngine(slots: Int = 8, context: Int = 192) throws -> BatchEngine<VulkanBackend> {
        guard let vulkanContext else { throw NoVulkanContext() }
        let model = try LlamaModel(source: ModelFixture.file, backend: VulkanBackend(context: vulkanContext), slots: slots,
                                   contextSize: context, maxRows: 64)
        return try BatchEngine(model: model, tokenizer: tokenizer, queueCapacity: 16, maxTokensLimit: 512, prefillChunk: 16,
                               backend: "vulkan")
    }

    /// A request for `text` (no BOS, as the other model tests), greedy unless `sampling` says otherwise.
    static func request(_ text: String, maxTokens: Int, sampling: SamplerSettings = SamplerSettings(temperature: 0),
                        strength: Float? = nil, logprobs: Int? = nil, stop: [String] = []) throws -> CompletionRequest {
        let prompt = try tokenizer.encode(text, addBOS: false).ids
        let steering = try strength.map {
            try SequenceSteering.additive([(try happy, $0)], span: SequenceSpan(promptLength: prompt.count))
        }
        return CompletionRequest(prompt: prompt, maxTokens: maxTokens, sampling: sampling, stopStrings: stop,
                                 logprobs: logprobs, steering: steering)
    }

    /// What one request's stream gave.
    struct Outcome: Sendable {
        var tokens: [Int32] = []
        var text = ""
        var events: [GeneratedToken] = []
        var summary: CompletionSummary?
    }

    /// Reads a stream to its end.
    static func collect(_ stream: AsyncStream<CompletionEvent>) async -> Outcome {
        var outcome = Outcome()
        for await event in stream {
            switch event {
            case .token(let token):
                outcome.tokens.append(token.id); outcome.text += token.text; outcome.events.append(token)
            case .finished(let summary):
                outcome.summary = summary; outcome.text += summary.trailingText
            }
        }
        return outcome
    }

    /// Submits every request at once and waits for all.
    static func runTogether(_ engine: some CompletionEngine, _ requests: [CompletionRequest]) async throws -> [Outcome] {
        let streams = try requests.map { try engine.submit($0) }
        return await withTaskGroup(of: (Int, Outcome).self) { group in
            for (i, stream) in streams.enumerated() { group.addTask { (i, await collect(stream)) } }
            var outcomes = [Outcome](repeating: Outcome(), count: requests.count)
            for await (i, outcome) in group { outcomes[i] = outcome }
            return outcomes
        }
    }
}
