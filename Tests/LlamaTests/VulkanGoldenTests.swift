import Foundation
import Kernels
import KernelsVulkan
import Llama
import Testing
import TestSupport
import VulkanRuntime

extension LlamaModelSuites {
    /// The golden checks on the Vulkan backend. In CI that is lavapipe, which runs the model at roughly a second per
    /// token, so the set is chosen to cover each path once: teacher-forced greedy (with the top-20 check on its first
    /// row) on a plain, a chat and a Unicode prompt; top-20 alone on the other three; hidden states on one; a batch of
    /// three; 8 cached decode steps; and CPU/Vulkan agreement on every position of the longest prompt.
    @Suite("SmolLM2 on the Vulkan backend against llama.cpp F32 goldens", .enabled(if: VulkanModelFixture.enabled), .serialized,
           .exclusiveVulkan)
    struct VulkanGoldenTests {
        let model: LlamaModel<VulkanBackend>
        init() throws { model = try VulkanModelFixture.model }

        func expectNoValidationMessages(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let messages = try VulkanModelFixture.backend.validationMessages
            #expect(messages.isEmpty, "validation: \(messages.prefix(3).joined(separator: "\n"))", sourceLocation: sourceLocation)
        }

        @Test(arguments: ["P1", "P3", "P5"]) func teacherForcedGreedyAndTop20(_ id: String) throws {
            try GoldenChecks.teacherForcedGreedy(model, id, checkTop20: "vulkan")
            try expectNoValidationMessages()
        }
        @Test(arguments: ["P2", "P4", "P6"]) func lastPositionTop20(_ id: String) throws {
            try GoldenChecks.lastPositionTop20(model, id, backend: "vulkan")
            try expectNoValidationMessages()
        }
        @Test func hiddenStatesLayerByLayer() throws { try GoldenChecks.hiddenStates(model, "P1") }
        @Test func batchEqualsSingleRuns() throws { try GoldenChecks.batchEqualsSingles(model, ids: ["P1", "P2", "P3"]) }
        /// 8 steps of the recorded decode step; after the first, a step creates no Vulkan object and no pipeline.
        @Test func cachedDecode() throws {
            let backend = try VulkanModelFixture.backend
            let counter = backend.context.objectCounter
            var createdAfterFirstStep = 0, pipelinesAfterFirstStep = 0
            try GoldenChecks.cachedDecodeMatchesTeacherForcing(model, "P1", steps: 8, backend: "vulkan") { step in
                if step == 1 {
                    createdAfterFirstStep = counter.totalCreated
                    pipelinesAfterFirstStep = backend.pipelineCount
                }
            }
            #expect(counter.totalCreated == createdAfterFirstStep, "decode steps 2...7 created Vulkan objects")
            #expect(backend.pipelineCount == pipelinesAfterFirstStep)
            try expectNoValidationMessages()
        }

        /// Generation through `Generator`, greedy and sampled: after the first decoded tokens, a token creates no
        /// Vulkan object and no pipeline (the argmax or top-k is recorded in the step, the slots are written once);
        /// greedy gives llama.cpp's F32 tokens.
        @Test(arguments: [SamplerSettings(temperature: 0),
                          SamplerSettings(temperature: 0.8, repetitionPenalty: 1.1, seed: 7)])
        func generationCreatesNothingPerToken(_ sampling: SamplerSettings) throws {
            let backend = try VulkanModelFixture.backend
            let counter = backend.context.objectCounter
            let prompt = try ModelGoldens.prompt("P1").tokens
            var createdAfterSecondToken = 0, pipelinesAfterSecondToken = 0, seen = 0
            let result = try Generator(model: model).generate(
                prompt: prompt, maxTokens: 8, sampling: sampling, stopTokens: [], ignoreEOS: true
            ) { _ in
                seen += 1
                if seen == 2 {
                    createdAfterSecondToken = counter.totalCreated
                    pipelinesAfterSecondToken = backend.pipelineCount
                }
                return true
            }
            #expect(result.tokens.count == 8)
            #expect(counter.totalCreated == createdAfterSecondToken, "tokens 3...8 created Vulkan objects")
            #expect(backend.pipelineCount == pipelinesAfterSecondToken)
            if sampling.isGreedy {
                let golden = try ModelGoldens.prompt("P1").reference_f32_weights.greedy_tokens
                #expect(result.tokens == Array(golden.prefix(8)), "greedy tokens \(result.tokens) vs llama.cpp F32 \(golden.prefix(8))")
            }
            try expectNoValidationMessages()
        }

        /// CPU and Vulkan logits agree on every position of a prompt (`ModelTolerance.cpuVersusVulkanLogits`).
        @Test func cpuAndVulkanAgreeOnAllPositions() throws {
            let tokens = try ModelGoldens.prompt("P6").tokens
            let all = ForwardBatch.prefill(tokens, allLogits: true)
            try model.forward(all)
            let gpu = try model.readLogits(rows: tokens.count)
            let cpuModel = try ModelFixture.cpuModel
            try cpuModel.forward(all)
            let cpu = try cpuModel.readLogits(rows: tokens.count)
            var worst: Float = 0
            for (a, b) in zip(gpu, cpu) { worst = max(worst, zip(a, b).map { abs($0 - $1) }.max()!) }
            print("[parity] P6, \(tokens.count) positions: max |vulkan - cpu| logit = \(worst)")
            #expect(worst <= ModelTolerance.cpuVersusVulkanLogits, "P6: max |vulkan - cpu| logit = \(worst)")
        }
    }
}
