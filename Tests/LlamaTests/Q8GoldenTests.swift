import Kernels
import KernelsCPU
import Llama
import Testing
import TestSupport

extension LlamaModelSuites {
    /// The gate of `Precision.q8`: on the default model it must reproduce llama.cpp's own Q4_1 path (the top-level
    /// goldens, where llama.cpp's CPU matmuls quantize activations as q8 does), not the F32 flavour.
    @Suite("SmolLM2 on the CPU backend in q8 against llama.cpp's Q4_1 goldens", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUQ8GoldenTests {
        let model: LlamaModel<KernelsCPU.CPUBackend>
        init() throws { model = try ModelFixture.cpuQ8Model }

        @Test(arguments: try ModelGoldens.promptIDs()) func lastPositionTop20(_ id: String) throws {
            let golden = try ModelGoldens.prompt(id)
            try model.forward(.prefill(golden.tokens))
            let logits = try model.readLogits(rows: 1)[0]
            let worst = expectMatchesTop20(logits, golden: golden.last_top20.top20,
                                           tolerance: ModelTolerance.top20VersusLlamaCppQ8,
                                           topOneMargin: Float(ModelTolerance.q8GreedyNearTieMargin), context: "\(id) cpu q8")
            print("[cpu q8] \(id): max |logit - Q4_1 golden| over the shared top-20 = \(worst)")
        }

        /// 32 free-running greedy tokens equal llama.cpp's; a divergence is allowed only at a near-tie of the golden
        /// run, and nothing after it is compared (the continuations then differ by construction).
        @Test(arguments: try ModelGoldens.promptIDs()) func greedyTokens(_ id: String) throws {
            let golden = try ModelGoldens.prompt(id)
            let generator = try Generator(model: model)
            let run = try generator.generate(prompt: golden.tokens, maxTokens: 32, sampling: SamplerSettings(temperature: 0),
                                             stopTokens: [], ignoreEOS: true)
            #expect(run.tokens.count == 32)
            var matched = 0
            for step in 0 ..< min(32, run.tokens.count) {
                if run.tokens[step] == golden.greedy_tokens[step] { matched += 1; continue }
                let margin = golden.greedy_top1_margins[step]
                #expect(margin < ModelTolerance.q8GreedyNearTieMargin,
                        "\(id) step \(step): \(run.tokens[step]) != golden \(golden.greedy_tokens[step]) (golden margin \(margin))")
                print("[cpu q8] \(id): diverged at step \(step) where the golden top-1 margin is \(margin)")
                break
            }
            print("[cpu q8] \(id): \(matched) of 32 greedy tokens equal llama.cpp's Q4_1 run before any divergence")
        }
    }
}
