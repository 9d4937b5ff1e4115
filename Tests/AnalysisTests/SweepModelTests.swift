import Analysis
import Evaluation
import Foundation
import Kernels
import Llama
import Steering
import Testing
import TestSupport

/// The sweep on the default model: the alpha 0 row is the unsteered model bit for bit, batching alphas over slots
/// changes nothing, CPU and Vulkan agree, the cross-entropy equals a direct computation.
@Suite("Strength sweep on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct SweepModelTests {
    @Test func alphaZeroRowEqualsTheUnsteeredLogitsExactly() throws {
        let model = try SweepFixture.cpu
        let prompt = try SweepFixture.prompt()
        let grid = try AlphaGrid(parsing: "-4:4:5")
        let run = try PromptSweeper(model: model).run(prompt: prompt, grid: grid, steering: try SweepFixture.steering, tracked: 8,
                                                      continuationLength: 4, stopTokens: [], keepLogits: true)
        try model.forward(.prefill(prompt))
        let unsteered = try model.readLogits(rows: 1)[0]
        let logits = try #require(run.logits)
        expectBitIdentical(logits[grid.zeroIndex], unsteered, "alpha 0 row vs an unsteered forward")
        for a in grid.values.indices where a != grid.zeroIndex {
            #expect(logits[a] != unsteered, "alpha \(grid.values[a]) is steered")
        }
        #expect(run.logitsFinite.allSatisfy { $0 } && run.continuationFinite.allSatisfy { $0 })
        // The tracked tokens: the 8 most probable at each end, their curves in [0, 1], most probable first.
        #expect(run.topAtMax.count == 8 && run.topAtMin.count == 8)
        #expect(run.tracked.count >= 8 && run.tracked.count <= 16)
        let atMax = run.probabilities[grid.values.count - 1]
        #expect(zip(atMax.prefix(7), atMax.dropFirst().prefix(7)).allSatisfy { $0 >= $1 })
        #expect(run.probabilities.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 <= 1 } && $0.reduce(0, +) <= 1 + 1e-9 })
    }

    @Test(arguments: [1, 2])
    func batchedSweepEqualsRunningEachAlphaAlone(slots: Int) throws {
        let model = try SweepFixture.cpu
        let prompt = try SweepFixture.prompt("The weather this morning")
        let grid = try AlphaGrid(parsing: "-6:6:4")
        let sweeper = PromptSweeper(model: model)
        let steering = try SweepFixture.steering
        func sweep(_ slots: Int?) throws -> PromptSweepRun {
            try sweeper.run(prompt: prompt, grid: grid, steering: steering, tracked: 5, continuationLength: 6, stopTokens: [],
                            slots: slots, keepLogits: true)
        }
        let batched = try sweep(nil), split = try sweep(slots)
        #expect(batched.logits == split.logits)
        #expect(batched.continuations == split.continuations)
        #expect(batched.tracked == split.tracked && batched.probabilities == split.probabilities)
        #expect(Set(batched.continuations).count > 1, "steering changes the greedy continuation")
    }

    @Test func crossEntropyEqualsADirectComputation() throws {
        let model = try SweepFixture.cpu
        let tokenizer = try SweepFixture.tokenizer
        let passages = try BoolQPassages.load(dataDirectory: TestFileLocations.data).passages
        let documents = NeutralTextChunks.tokenized(passages, budget: 200) { tokenizer.encode($0, addBOS: false).ids }
        let chunks = NeutralTextChunks.chunks(documents: documents, eos: try #require(tokenizer.vocabulary.eos), budget: 200)
        #expect(chunks.map(\.count) == [129, 73])
        let grid = try AlphaGrid(parsing: "-3,3")
        let steering = try SweepFixture.steering
        let points = try CrossEntropySweeper(model: model).run(chunks: chunks, grid: grid, steering: steering)
        for point in points {
            var nll = 0.0, count = 0
            let sequence = try steering.sequence(alpha: point.alpha, span: SequenceSpan(promptLength: 1))
            let forward = try sequence.map { try BatchSteering(model: model, sequences: [$0]).forward }
            for chunk in chunks {
                try model.forward(.prefill(Array(chunk.dropLast()), allLogits: true), steering: forward)
                for (i, row) in try model.readLogits(rows: chunk.count - 1).enumerated() {
                    let top = Double(row.max()!)
                    let logSum = log(row.reduce(0.0) { $0 + exp(Double($1) - top) }) + top
                    nll += logSum - Double(row[Int(chunk[i + 1])])
                    count += 1
                }
            }
            #expect(point.tokens == 200 && count == 200 && point.finite)
            #expect(abs(point.crossEntropy - nll / Double(count)) <= 1e-4, "alpha \(point.alpha): \(point.crossEntropy) vs \(nll / Double(count))")
        }
        #expect(points[0].crossEntropy > points[1].crossEntropy && points[2].crossEntropy > points[1].crossEntropy,
                "steering either way raises the cross-entropy: \(points.map(\.crossEntropy))")
    }

    @Test func wholeSweepGivesRowsARangeAndCollapseAtExtremeStrength() throws {
        let model = try SweepFixture.cpu
        let tokenizer = try SweepFixture.tokenizer
        let passages = try BoolQPassages.load(dataDirectory: TestFileLocations.data).passages
        let settings = StrengthSweepSettings(grid: try AlphaGrid(parsing: "-2,2,60"), trackedTokens: 4, continuationLength: 12,
                                             crossEntropyTokens: 128)
        let result = try StrengthSweep(model: model, tokenizer: tokenizer, addBOS: tokenizer.vocabulary.addsBOS)
            .run(prompts: ["I think that"], neutralText: passages, steering: try SweepFixture.steering, settings: settings)
        #expect(result.rows.map(\.alpha) == [-2, 0, 2, 60])
        #expect(result.rows[1].deltaCrossEntropy == 0 && result.rows[1].collapse == nil)
        #expect(result.crossEntropy.map(\.tokens) == [128, 128, 128, 128])
        // Strength 60 on every block destroys the model: its cross-entropy jumps by nats.
        let extreme = try #require(result.rows.last)
        #expect(extreme.collapse != nil, "alpha 60: ΔCE \(extreme.deltaCrossEntropy ?? .nan)")
        #expect(result.recommendedRange.contains(0) && !result.recommendedRange.contains(60))
        #expect(result.prompts[0].continuationTexts.count == 4)
    }

    /// In this suite, not a suite of its own: it uses the CPU model too, which runs one pass at a time.
    @Test(.enabled(if: SweepFixture.vulkanEnabled), .exclusiveVulkan)
    func cpuAndVulkanSweepsAgree() throws {
        let prompt = try SweepFixture.prompt()
        let grid = try AlphaGrid(parsing: "-4:4:5")
        let steering = try SweepFixture.steering
        let cpu = try PromptSweeper(model: try SweepFixture.cpu).run(prompt: prompt, grid: grid, steering: steering, tracked: 4,
                                                                    continuationLength: 0, stopTokens: [], keepLogits: true)
        let vulkan = try PromptSweeper(model: try SweepFixture.vulkan).run(prompt: prompt, grid: grid, steering: steering, tracked: 4,
                                                                          continuationLength: 0, stopTokens: [], keepLogits: true)
        var worst = 0.0
        for (c, v) in zip(try #require(cpu.logits), try #require(vulkan.logits)) {
            for (x, y) in zip(c, v) {
                let excess = Double(abs(x - y)) / max(1, Double(abs(x)))
                worst = max(worst, excess)
            }
        }
        #expect(worst <= 1e-3, "max |Δlogit| / max(1, |logit|) = \(worst)")
        print("sweep CPU vs Vulkan: max |Δlogit| / max(1, |logit|) = \(worst)")
    }
}
