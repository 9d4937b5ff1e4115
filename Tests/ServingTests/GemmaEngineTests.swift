import Foundation
import GGUF
import KernelsCPU
import Llama
import Serving
import Steering
import Testing
import TestSupport
import Tokenizers

/// The serving engine on Gemma 3 270M (release builds, the model cached by `veer model fetch gemma3-270m`): a batch
/// of greedy, sampled and steered requests gets the tokens each gets alone, and a greedy request follows llama.cpp.
@Suite("serving engine on Gemma 3 270M", .serialized, .enabled(if: ModelFixture.isRelease))
struct GemmaEngineTests {
    @Test func batchedRequestsGetTheirTokensAloneAndGreedyFollowsLlamaCpp() async throws {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return }
        let file = try GGUFFile(path: path)
        let tokenizer = try Tokenizer(file: file)
        let model = try LlamaModel(source: file, backend: CPUBackend(), slots: 4, contextSize: 96, maxRows: 64)
        let engine = try BatchEngine(model: model, tokenizer: tokenizer, queueCapacity: 8, maxTokensLimit: 64,
                                     prefillChunk: 16, backend: "cpu")
        defer { engine.shutdown() }
        let vector = try SteeringVector.load(path: GoldenFile.vectorFile("arch/cvector-gemma3-happy.gguf"))
        let goldens = try ArchGoldens.load("gemma3-270m")
        let g1 = try #require(goldens.prompts.first { $0.id == "G1" })

        func request(_ prompt: [Int32], sampling: SamplerSettings = SamplerSettings(temperature: 0), strength: Float? = nil)
            throws -> CompletionRequest {
            let steering = try strength.map {
                try SequenceSteering.additive([(vector, $0)], span: SequenceSpan(promptLength: prompt.count))
            }
            return CompletionRequest(prompt: prompt, maxTokens: 12, sampling: sampling, steering: steering)
        }
        let other = tokenizer.encode("Today I went to the park and").ids
        let requests = [try request(g1.tokens), try request(other, sampling: SamplerSettings(temperature: 0.8, seed: 7)),
                        try request(other, strength: 8), try request(g1.tokens, strength: -16)]
        let together = try await EngineFixture.runTogether(engine, requests)
        for (i, request) in requests.enumerated() {
            let alone = await EngineFixture.collect(try engine.submit(request))
            #expect(together[i].tokens == alone.tokens, "request \(i): batched \(together[i].tokens) alone \(alone.tokens)")
            #expect(alone.tokens.count == 12)
        }
        #expect(together[2].tokens != together[1].tokens)
        let reference = try goldens.reference(g1)
        let firstTie = reference.greedy_top1_margins.firstIndex { $0 < goldens.tolerances.near_tie_margin } ?? 12
        #expect(Array(together[0].tokens.prefix(min(firstTie, 12))) == Array(reference.greedy_tokens.prefix(min(firstTie, 12))))
    }
}
