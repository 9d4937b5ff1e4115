import Foundation
import Kernels
import Llama
import Testing
import TestSupport

/// Golden checks shared by both backends, so the CPU and Vulkan suites are the same tests on another model.
enum GoldenChecks {
    static func lastPositionTop20<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, backend: String) throws {
        let golden = try ModelGoldens.prompt(id)
        try model.forward(.prefill(golden.tokens))
        let logits = try model.readLogits(rows: 1)[0]
        let worst = expectMatchesTop20(logits, golden: golden.reference_f32_weights.top20, context: "\(id) \(backend)")
        print("[\(backend)] \(id): max |logit - F32 golden| over the shared top-20 = \(worst)")
    }

    static func hiddenStates<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String) throws {
        let golden = try ModelGoldens.prompt(id)
        let capture = HiddenStateCapture(row: golden.tokens.count - 1)
        try model.forward(.prefill(golden.tokens), observer: capture)
        let reference = try #require(golden.reference_f32_weights.last_pos_hidden)
        let (problems, relative, first8) = hiddenStateMismatches(capture.states, golden: reference)
        #expect(problems.isEmpty, "\(id): \(problems.prefix(10).joined(separator: "; "))")
        print("[hidden] \(id): max relative l2 error vs F32 golden = \(relative), first-8 values = \(first8)")
    }

    /// Prompt plus the golden greedy tokens in one forward: at every step whose golden top-1 margin is >= 0.1,
    /// the argmax must be the golden token. With `checkTop20`, the first row (the last prompt position) is also
    /// checked against the golden top-20, so a slow backend runs one forward pass for both checks.
    static func teacherForcedGreedy<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, steps: Int = 32,
                                                       checkTop20 backend: String? = nil) throws {
        let golden = try ModelGoldens.prompt(id).reference_f32_weights
        let prompt = try ModelGoldens.prompt(id).tokens
        let forced = prompt + golden.greedy_tokens.prefix(steps - 1)
        var batch = ForwardBatch.prefill(forced)
        batch.logitRows = Array(prompt.count - 1 ..< forced.count)
        try model.forward(batch)
        let rows = try model.readLogits(rows: batch.logitRows.count)
        if let backend {
            let worst = expectMatchesTop20(rows[0], golden: golden.top20, context: "\(id) \(backend)")
            print("[\(backend)] \(id): max |logit - F32 golden| over the shared top-20 = \(worst)")
        }
        let picks = argmaxRows(rows)
        for step in 0..<steps where golden.greedy_top1_margins[step] >= 0.1 {
            #expect(picks[step] == golden.greedy_tokens[step],
                    "\(id) step \(step): \(picks[step]) != golden \(golden.greedy_tokens[step]) (margin \(golden.greedy_top1_margins[step]))")
        }
    }

    /// The prompts in one forward pass give logits bit-identical to single runs (default: all six golden prompts).
    static func batchEqualsSingles<B: ComputeBackend>(_ model: LlamaModel<B>, ids: [String]? = nil) throws {
        let prompts = try (ids ?? ModelGoldens.promptIDs()).map { try ModelGoldens.prompt($0).tokens }
        try model.forward(.prefill(batch: prompts))
        let batched = try model.readLogits(rows: prompts.count)
        for (i, prompt) in prompts.enumerated() {
            try model.forward(.prefill(prompt))
            let single = try model.readLogits(rows: 1)[0]
            #expect(single == batched[i], "prompt \(i): batched logits differ from the single run")
        }
    }

    /// Prefill, then one token at a time through the cache from one recorded, replayed decode step: each step's
    /// logits are bit-identical to the teacher-forced pass's row, because every kernel's reduction order depends only
    /// on its own row, never on the batch. `afterStep` runs after each decode step (object-count checks).
    static func cachedDecodeMatchesTeacherForcing<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, steps: Int,
                                                                     backend: String,
                                                                     afterStep: (Int) -> Void = { _ in }) throws {
        let prompt = try ModelGoldens.prompt(id).tokens
        let golden = try ModelGoldens.prompt(id).reference_f32_weights.greedy_tokens
        let forced = prompt + golden.prefix(steps - 1)
        var batch = ForwardBatch.prefill(forced)
        batch.logitRows = Array(prompt.count - 1 ..< forced.count)
        try model.forward(batch)
        let teacher = try model.readLogits(rows: steps)
        try model.forward(.prefill(prompt))
        var cached = [try model.readLogits(rows: 1)[0]]
        let decode = try DecodeStep(model: model, slots: [0])
        for step in 1..<steps {
            let position = Int32(prompt.count + step - 1)
            try decode.run(tokens: [golden[step - 1]], positions: [position])
            cached.append(try model.readLogits(rows: 1)[0])
            afterStep(step)
        }
        var worst: Float = 0
        for step in 0..<steps {
            worst = max(worst, zip(cached[step], teacher[step]).map { abs($0 - $1) }.max() ?? .infinity)
            expectBitIdentical(cached[step], teacher[step], "\(id) step \(step): cached decode vs teacher forcing")
        }
        print("[\(backend)] \(id), \(steps) steps: max |cached decode - teacher forcing| logit = \(worst)")
    }
}

extension LlamaModelSuites {
    @Suite("SmolLM2 on the CPU backend against llama.cpp F32 goldens", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUGoldenTests {
        let model: LlamaModel<KernelsCPU.CPUBackend>
        init() throws { model = try ModelFixture.cpuModel }

        @Test(arguments: try ModelGoldens.promptIDs()) func lastPositionTop20(_ id: String) throws {
            try GoldenChecks.lastPositionTop20(model, id, backend: "cpu")
        }
        @Test(arguments: try ModelGoldens.promptIDs()) func hiddenStatesLayerByLayer(_ id: String) throws {
            try GoldenChecks.hiddenStates(model, id)
        }
        @Test(arguments: try ModelGoldens.promptIDs()) func teacherForcedGreedy(_ id: String) throws {
            try GoldenChecks.teacherForcedGreedy(model, id)
        }
        @Test func batchOfSixEqualsSingleRuns() throws { try GoldenChecks.batchEqualsSingles(model) }
        @Test(arguments: ["P1", "P3"]) func cachedDecode(_ id: String) throws {
            try GoldenChecks.cachedDecodeMatchesTeacherForcing(model, id, steps: 32, backend: "cpu")
        }

        /// A second turn that prefills only what the cache lacks (as `veer chat` does) generates exactly what a fresh
        /// run of the whole conversation generates.
        @Test func generationReusingTheCachedPrefixEqualsAFreshRun() throws {
            let generator = try Generator(model: model)
            let greedy = SamplerSettings(temperature: 0)
            let first = try generator.generate(prompt: try ModelGoldens.prompt("P1").tokens, maxTokens: 8, sampling: greedy,
                                               stopTokens: [], ignoreEOS: true)
            let conversation = try first.cachedTokens + ModelGoldens.prompt("P2").tokens
            let reused = try generator.generate(prompt: conversation, maxTokens: 8, sampling: greedy, stopTokens: [],
                                                ignoreEOS: true, cachedPrefix: first.cachedTokens.count)
            #expect(reused.cachedPromptTokens == first.cachedTokens.count)
            let fresh = try generator.generate(prompt: conversation, maxTokens: 8, sampling: greedy, stopTokens: [],
                                               ignoreEOS: true)
            #expect(reused.tokens == fresh.tokens)
        }
    }
}

import KernelsCPU
