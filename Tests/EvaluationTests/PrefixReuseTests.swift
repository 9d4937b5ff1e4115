import Evaluation
import Foundation
import Kernels
import Llama
import Steering
import Testing
import TestSupport


extension EvaluationModelTests {
    /// Prefix reuse, the KV prefix copy and batching across slots change nothing: every continuation's log-probs are
    /// bit-identical to scoring it alone from scratch, whatever the number of slots, steered or not, and the Vulkan
    /// backend decides every item as the CPU does.
    @Suite("Scoring with prefix reuse")
    struct PrefixReuseTests {
        /// Items of several shapes: many options (TruthfulQA), two options with one prompt (COPA), one option per prompt
        /// (Winogrande), chat-template prompts with single-token letters (CAA A/B).
        static func mixedItems() throws -> [MCItem] {
            try EvaluationFixture.items(.truthfulqaMC, first: 2) + EvaluationFixture.items(.copa, first: 2)
                + EvaluationFixture.items(.winogrande, first: 2) + EvaluationFixture.items(.caaAB, first: 2)
        }

        /// A random additive edit at two blocks, steering from the last prompt token on.
        static func steering(width: Int) -> ScoringSteering {
            var random = SeededRandom(seed: 7)
            let vector = random.unitVector(width).map { $0 * 8 }
            return ScoringSteering { request in
                SequenceSteering(edits: [SiteKey(block: 3, site: .residPost): SiteEdit(add: vector),
                                         SiteKey(block: 12, site: .residPost): SiteEdit(add: vector.map { -$0 })],
                                 positions: .fromPromptEnd, span: SequenceSpan(promptLength: request.prompt.count))
            }
        }

        @Test(arguments: [1, 3, 16])
        func batchedScoresEqualScoringEachOptionAlone(slots: Int) throws {
            let model = try EvaluationFixture.cpu
            let tokenized = try EvaluationFixture.tokenize(try Self.mixedItems())
            let scorer = try MCScorer(model: model)
            let alone = try scorer.scoreEachAlone(tokenized.requests)
            let batched = try scorer.score(tokenized.requests, slots: slots)
            #expect(batched == alone)
            #expect(!batched.joined().contains { $0.degenerate })
        }

        @Test func steeredBatchedScoresEqualScoringAloneAndDiffer() throws {
            let model = try EvaluationFixture.cpu
            let tokenized = try EvaluationFixture.tokenize(try Self.mixedItems())
            let scorer = try MCScorer(model: model)
            let steering = Self.steering(width: model.config.width)
            let alone = try scorer.scoreEachAlone(tokenized.requests, steering: steering)
            let batched = try scorer.score(tokenized.requests, steering: steering, slots: 5)
            #expect(batched == alone)
            #expect(batched != (try scorer.score(tokenized.requests)), "the steering changes the scores")
        }

        /// from:answer-start (ITI's default in evaluation) leaves the last prompt token unsteered: an option's first
        /// token keeps its unsteered log-prob exactly and only the later ones change; from:prompt-end changes the first.
        @Test func answerStartSteersOnlyTheTokensAfterTheFirst() throws {
            let model = try EvaluationFixture.cpu
            let tokenized = try EvaluationFixture.tokenize(try EvaluationFixture.items(.copa, first: 2))
            let scorer = try MCScorer(model: model)
            var random = SeededRandom(seed: 3)
            let vector = random.unitVector(model.config.width).map { $0 * 8 }
            func steering(_ positions: PositionPolicy) -> ScoringSteering {
                ScoringSteering { request in
                    SequenceSteering(edits: [SiteKey(block: 6, site: .residPost): SiteEdit(add: vector)], positions: positions,
                                     span: SequenceSpan(promptLength: request.prompt.count, answerStart: request.answerStart))
                }
            }
            let plain = try scorer.score(tokenized.requests).joined()
            let fromAnswer = try scorer.score(tokenized.requests, steering: steering(.fromAnswerStart)).joined()
            let fromPromptEnd = try scorer.score(tokenized.requests, steering: steering(.fromPromptEnd)).joined()
            for ((p, a), e) in zip(zip(plain, fromAnswer), fromPromptEnd) {
                #expect(a.logprobs[0] == p.logprobs[0] && a.logprobs.dropFirst() != p.logprobs.dropFirst())
                #expect(e.logprobs[0] != p.logprobs[0])
            }
        }

        @Test func requestsThatDoNotFitAreRefusedBeforeAnyWork() throws {
            let scorer = try MCScorer(model: try EvaluationFixture.cpu)
            let tooLong = ScoringRequest(prompt: [Int32](repeating: 1, count: 250), continuations: [[2, 3, 4, 5, 6, 7, 8, 9]])
            #expect(throws: ScoringError.self) { try scorer.score([ScoringRequest(prompt: [1], continuations: [[2]]), tooLong]) }
            #expect(throws: ScoringError.self) { try scorer.score([ScoringRequest(prompt: [], continuations: [[2]])]) }
            #expect(throws: ScoringError.self) { try scorer.score([ScoringRequest(prompt: [1], continuations: [[]])]) }
        }

        @Test(.enabled(if: EvaluationFixture.vulkanEnabled), .exclusiveVulkan)
        func vulkanDecidesAsTheCPUAndReusesPrefixesExactly() throws {
            let items = try EvaluationFixture.items(.copa, first: 3)
            let tokenized = try EvaluationFixture.tokenize(items)
            let vulkan = try MCScorer(model: try EvaluationFixture.vulkan)
            let onVulkan = try vulkan.score(tokenized.requests)
            #expect(onVulkan == (try vulkan.scoreEachAlone(tokenized.requests)))
            let onCPU = try MCScorer(model: try EvaluationFixture.cpu).score(tokenized.requests)
            var worst: Float = 0
            for (a, b) in zip(onVulkan.joined(), onCPU.joined()) {
                worst = max(worst, zip(a.logprobs, b.logprobs).map { abs($0 - $1) }.max() ?? 0)
            }
            #expect(worst < 2e-3, "Vulkan vs CPU log-probs differ by \(worst)")
            for (item, (v, c)) in zip(items, zip(tokenized.optionScores(onVulkan), tokenized.optionScores(onCPU))) {
                let task = MCTaskName.copa
                let a = MCMetrics.item(task, item, scores: v), b = MCMetrics.item(task, item, scores: c)
                #expect(a.prediction == b.prediction && a.metrics["mc1"] == b.metrics["mc1"] && a.metrics["mc3"] == b.metrics["mc3"],
                        "item \(item.id): Vulkan decides \(a.metrics), CPU \(b.metrics)")
            }
            print("vulkan vs cpu: worst per-token log-prob difference \(worst)")
        }
    }
}
