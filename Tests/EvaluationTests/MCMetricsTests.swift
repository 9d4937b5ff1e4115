import Foundation
import Testing
@testable import Evaluation

/// Per-item metrics and aggregates on hand-made items whose option log-probs are known.
@Suite("Multiple-choice metrics") struct MCMetricsTests {
    /// An item of `count` options (their text does not matter to the metrics).
    func item(_ key: MCKey, options count: Int, index: Int = 0, group: String? = nil) -> MCItem {
        let options = (0..<count).map { MCOption(prompt: .text("Q"), continuation: " option \($0)") }
        return MCItem(index: index, id: String(index), group: group, options: options,
                      optionLabels: (0..<count).map { "option \($0)" }, key: key)
    }

    /// Scores with the given sums, one token each unless `tokens` says otherwise.
    func scores(_ sums: [Double], tokens: [Int]? = nil) -> [OptionScore] {
        sums.enumerated().map { OptionScore(tokens: tokens?[$0.offset] ?? 1, sum: $0.element) }
    }

    @Test func truthfulQAMC1MC2MC3() {
        // Options: 0, 1 true (mc2); 2, 3 false (mc2); MC1: 0 true against 2 and 3.
        let key = MCKey.truthfulQA(mc1True: 0, mc1False: [2, 3], mc2True: [0, 1], mc2False: [2, 3])
        let sums = [-2.0, -5.0, -3.0, -4.0]
        let result = MCMetrics.item(.truthfulqaMC, item(key, options: 4), scores: scores(sums, tokens: [3, 1, 2, 9]))
        let direct = (exp(-2.0) + exp(-5.0)) / (exp(-2.0) + exp(-5.0) + exp(-3.0) + exp(-4.0))
        #expect(result.metrics["mc1"] == 1)
        #expect(abs(result.metrics["mc2"]! - direct) < 1e-15)
        #expect(result.metrics["mc3"] == 0.5) // -2 beats the best false (-3); -5 does not
        #expect(result.prediction == nil && !result.degenerate)
        #expect(Set(result.metrics.keys) == ["mc1", "mc2", "mc3"])

        // The true answer below one false answer: MC1 0, MC3 0. Sums, not means, decide (tokens differ).
        let worse = MCMetrics.item(.truthfulqaMC, item(key, options: 4), scores: scores([-3.5, -6, -3.0, -9], tokens: [1, 1, 9, 1]))
        #expect(worse.metrics["mc1"] == 0 && worse.metrics["mc3"] == 0)
    }

    @Test func truthfulQAMC1AndMC3AreStrictOnTies() {
        let key = MCKey.truthfulQA(mc1True: 0, mc1False: [2], mc2True: [0, 1], mc2False: [2])
        let result = MCMetrics.item(.truthfulqaMC, item(key, options: 3), scores: scores([-1, -0.5, -1]))
        #expect(result.metrics["mc1"] == 0)
        #expect(result.metrics["mc3"] == 0.5)
        #expect(abs(result.metrics["mc2"]! - (exp(-1.0) + exp(-0.5)) / (2 * exp(-1.0) + exp(-0.5))) < 1e-15)
    }

    @Test func mc2IsStableForLargeMagnitudes() {
        // exp(-800) underflows to 0 in Double: without the max shift this would be 0/0.
        let key = MCKey.truthfulQA(mc1True: 0, mc1False: [1], mc2True: [0], mc2False: [1])
        let result = MCMetrics.item(.truthfulqaMC, item(key, options: 2), scores: scores([-800, -800 - log(3.0)]))
        #expect(abs(result.metrics["mc2"]! - 0.75) < 1e-12)
        // An mc1-only answer (index 2) counts for MC1 and not for MC2 or MC3.
        let mc1Only = MCKey.truthfulQA(mc1True: 0, mc1False: [2], mc2True: [0], mc2False: [1])
        let withExtra = MCMetrics.item(.truthfulqaMC, item(mc1Only, options: 3), scores: scores([-2, -3, -1]))
        #expect(withExtra.metrics["mc1"] == 0 && withExtra.metrics["mc3"] == 1)
        #expect(abs(withExtra.metrics["mc2"]! - exp(-2.0) / (exp(-2.0) + exp(-3.0))) < 1e-15)
    }

    @Test func meanAndSumCanDisagreeOnCOPACloze() {
        // Option 0: sum -4 over 4 tokens (mean -1); option 1: sum -3 over 1 token (mean -3). Correct: 0.
        let crafted = scores([-4, -3], tokens: [4, 1])
        let cloze = MCMetrics.item(.copaCloze, item(.single(correct: 0), options: 2), scores: crafted)
        #expect(cloze.prediction == 1) // decided by sum
        #expect(cloze.metrics == ["accuracy": 0, "accuracy_mean": 1])
        // copa (the A/B prompt) decides by mean.
        let copa = MCMetrics.item(.copa, item(.single(correct: 0), options: 2, group: "dev"), scores: crafted)
        #expect(copa.prediction == 0 && copa.metrics == ["accuracy": 1])
        #expect(OptionScore(tokens: 4, sum: -4).mean == -1)
    }

    @Test func tiesGoToTheFirstOption() {
        let tied = MCMetrics.item(.arcEasy, item(.single(correct: 2), options: 4), scores: scores([-9, -2, -2, -3]))
        #expect(tied.prediction == 1 && tied.metrics["accuracy"] == 0)
        let first = MCMetrics.item(.boolq, item(.single(correct: 0), options: 2), scores: scores([-1, -1]))
        #expect(first.prediction == 0 && first.metrics["accuracy"] == 1)
    }

    @Test func nonFiniteScoresMakeTheItemDegenerate() {
        for bad in [OptionScore(tokens: 1, sum: .nan), OptionScore(tokens: 1, sum: -.infinity), OptionScore(tokens: 2, sum: -1, isFinite: false)] {
            let tqa = MCMetrics.item(.truthfulqaMC, item(.truthfulQA(mc1True: 0, mc1False: [1], mc2True: [0], mc2False: [1]), options: 2),
                                     scores: [OptionScore(tokens: 1, sum: -1), bad])
            #expect(tqa.degenerate && tqa.metrics == ["mc1": 0, "mc2": 0, "mc3": 0] && tqa.prediction == nil)
            let cloze = MCMetrics.item(.copaCloze, item(.single(correct: 0), options: 2), scores: [OptionScore(tokens: 1, sum: -1), bad])
            #expect(cloze.degenerate && cloze.metrics == ["accuracy": 0, "accuracy_mean": 0])
        }
        #expect(!OptionScore(tokens: 1, sum: .nan).isFinite && OptionScore(tokens: 1, sum: -3).isFinite)
    }

    @Test func pMatchingNormalisesOverTheItemsLetters() {
        // Two letters: p = e^-1 / (e^-1 + e^-2).
        let two = MCMetrics.item(.caaAB, item(.matching(index: 0), options: 2, group: "refusal"), scores: scores([-1, -2]))
        #expect(abs(two.metrics["p_matching"]! - exp(-1.0) / (exp(-1.0) + exp(-2.0))) < 1e-15)
        #expect(two.prediction == 0)
        // Four letters, matching the third: p = e^-2 / (e^-1 + e^-3 + e^-2 + e^-4).
        let four = MCMetrics.item(.caaAB, item(.matching(index: 2), options: 4, index: 1, group: "survival-instinct"),
                                  scores: scores([-1, -3, -2, -4]))
        #expect(abs(four.metrics["p_matching"]! - exp(-2.0) / (exp(-1.0) + exp(-3.0) + exp(-2.0) + exp(-4.0))) < 1e-15)
        #expect(four.prediction == 0)

        // Aggregates: over all items and per behaviour.
        let third = MCMetrics.item(.caaAB, item(.matching(index: 1), options: 2, index: 2, group: "refusal"), scores: scores([-1, -1]))
        let metrics = MCMetrics.aggregate(.caaAB, [two, four, third])
        let p = [two, four, third].map { $0.metrics["p_matching"]! }
        #expect(abs(metrics["p_matching"]! - (p[0] + p[1] + p[2]) / 3) < 1e-15)
        #expect(abs(metrics["p_matching_refusal"]! - (p[0] + 0.5) / 2) < 1e-15)
        #expect(metrics["p_matching_survival-instinct"] == p[1])
        #expect(metrics.count == 3)
    }

    @Test func copaReportsDevAndTestAccuracy() {
        let results = [(0, "dev", [-1.0, -2]), (1, "dev", [-2.0, -1]), (0, "dev", [-1.0, -3]), (1, "test", [-1.0, -2])].enumerated().map {
            MCMetrics.item(.copa, item(.single(correct: $0.element.0), options: 2, index: $0.offset, group: $0.element.1),
                           scores: scores($0.element.2))
        }
        #expect(results.map { $0.metrics["accuracy"]! } == [1, 1, 1, 0])
        #expect(MCMetrics.aggregate(.copa, results) == ["accuracy": 0.75, "accuracy_dev": 1, "accuracy_test": 0])
        // Only dev items (a --limit run): no accuracy_test.
        #expect(MCMetrics.aggregate(.copa, Array(results.prefix(2))) == ["accuracy": 1, "accuracy_dev": 1])
        // copa-cloze and the other tasks report no groups.
        let cloze = results.map { MCMetrics.item(.copaCloze, item(.single(correct: 0), options: 2, group: $0.group), scores: $0.scores) }
        #expect(Set(MCMetrics.aggregate(.copaCloze, cloze).keys) == ["accuracy", "accuracy_mean"])
        #expect(MCMetrics.aggregate(.copa, []) == [:])
    }

    @Test func aggregateTruthfulQAAveragesEachMetric() {
        let key = MCKey.truthfulQA(mc1True: 0, mc1False: [1], mc2True: [0], mc2False: [1])
        let a = MCMetrics.item(.truthfulqaMC, item(key, options: 2), scores: scores([-1, -2]))
        let b = MCMetrics.item(.truthfulqaMC, item(key, options: 2, index: 1), scores: scores([-2, -1]))
        let degenerate = MCMetrics.item(.truthfulqaMC, item(key, options: 2, index: 2), scores: scores([.nan, -1]))
        let metrics = MCMetrics.aggregate(.truthfulqaMC, [a, b, degenerate])
        #expect(metrics["mc1"] == 1.0 / 3 && metrics["mc3"] == 1.0 / 3)
        #expect(abs(metrics["mc2"]! - 1.0 / 3) < 1e-15) // e^-1/(e^-1+e^-2) + e^-2/(e^-2+e^-1) = 1
    }

    @Test func scoresRoundTripThroughJSONEvenWhenNotFinite() throws {
        let result = MCItemResult(index: 3, id: "4", group: "dev", scores: [OptionScore(tokens: 2, sum: -1.5), OptionScore(tokens: 1, sum: .nan)],
                                  prediction: nil, metrics: ["accuracy": 0], degenerate: true)
        let data = try JSONEncoder().encode(result)
        #expect(String(decoding: data, as: UTF8.self).contains("\"sum\":null"))
        #expect(try JSONDecoder().decode(MCItemResult.self, from: data) == result)
    }
}
