import Evaluation
import Foundation
import Testing
import TestSupport

/// llama.cpp's per-option scores (F32 flavour) under the pinned protocols, Tests/Goldens/mc-items.json.
struct MCItemsGolden: Decodable {
    struct Question: Decodable {
        struct Option: Decodable { var text: String; var score: Double; var n_tokens: Int }
        var index: Int; var prompt_tokens: Int; var mc1: Double; var mc2: Double; var mc3: Double
        var options: [Option]
    }
    struct COPAItem: Decodable {
        var id: Int; var pred: Int; var scores: [Double]; var n_tokens: [Int]; var prompt_tokens: Int
    }
    var truthfulqa: [Question]
    var copa: [COPAItem]
}


extension EvaluationModelTests {
    /// The scorer against llama.cpp, item by item: the f32 path's option scores within 1e-3 of the F32 flavour (it lands
    /// near 1e-5), the same token counts, and the same decisions except where llama.cpp's own scores are closer than
    /// 1e-3.
    @Suite("Multiple-choice scores against llama.cpp")
    struct MCGoldenTests {
        static let tolerance = 1e-3

        /// The first `count` items of `task`, scored on the CPU: the items, each one's prompt length, its option scores.
        static func scored(_ task: MCTaskName, first count: Int) throws -> (items: [MCItem], promptTokens: [Int], scores: [[OptionScore]]) {
            let items = try EvaluationFixture.items(task, first: count)
            let tokenized = try EvaluationFixture.tokenize(items)
            let scores = tokenized.optionScores(try MCScorer(model: try EvaluationFixture.cpu).score(tokenized.requests))
            return (items, tokenized.placements.map { tokenized.requests[$0[0].request].prompt.count }, scores)
        }

        @Test func truthfulQAOptionScoresAndMetricsMatch() throws {
            let golden = try GoldenFile.decode(MCItemsGolden.self, from: "mc-items.json").truthfulqa
            let (items, promptTokens, scores) = try Self.scored(.truthfulqaMC, first: golden.count)
            var worst = 0.0
            for (g, (item, itemScores)) in zip(golden, zip(items, scores)) {
                #expect(item.index == g.index)
                #expect(promptTokens[item.index] == g.prompt_tokens)
                #expect(item.options.count == g.options.count, "question \(g.index): option count")
                for option in g.options {
                    let o = try #require(item.optionLabels.firstIndex(of: option.text), "question \(g.index): no option \(option.text)")
                    #expect(itemScores[o].tokens == option.n_tokens, "question \(g.index): tokens of \(option.text)")
                    let difference = abs(itemScores[o].sum - option.score)
                    worst = max(worst, difference)
                    #expect(difference <= Self.tolerance, "question \(g.index) option \(option.text): \(itemScores[o].sum) vs \(option.score)")
                }
                let result = MCMetrics.item(.truthfulqaMC, item, scores: itemScores)
                #expect(result.metrics["mc1"] == g.mc1, "question \(g.index): MC1")
                #expect(result.metrics["mc3"] == g.mc3, "question \(g.index): MC3")
                #expect(abs(result.metrics["mc2"]! - g.mc2) <= Self.tolerance, "question \(g.index): MC2")
            }
            print("truthfulqa-mc: worst option score difference from llama.cpp F32 \(worst) over \(golden.count) questions")
        }

        @Test func copaOptionScoresAndPredictionsMatch() throws {
            let golden = try GoldenFile.decode(MCItemsGolden.self, from: "mc-items.json").copa
            let (items, promptTokens, scores) = try Self.scored(.copa, first: golden.count)
            var worst = 0.0
            for (g, (item, itemScores)) in zip(golden, zip(items, scores)) {
                #expect(item.id == "\(g.id)")
                #expect(promptTokens[item.index] == g.prompt_tokens)
                #expect(itemScores.map(\.tokens) == g.n_tokens, "COPA \(g.id): token counts")
                for (ours, theirs) in zip(itemScores, g.scores) {
                    worst = max(worst, abs(ours.mean - theirs))
                    #expect(abs(ours.mean - theirs) <= Self.tolerance, "COPA \(g.id): \(ours.mean) vs \(theirs)")
                }
                let result = MCMetrics.item(.copa, item, scores: itemScores)
                if abs(g.scores[0] - g.scores[1]) >= Self.tolerance {
                    #expect(result.prediction == g.pred, "COPA \(g.id): prediction")
                }
            }
            print("copa: worst option score difference from llama.cpp F32 \(worst) over \(golden.count) items")
        }
    }
}
