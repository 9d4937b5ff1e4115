import Analysis
import Foundation
import Testing

@Suite("Collapse measures, the collapse rule and the recommended range")
struct CollapseTests {
    @Test func repetitionRateCountsRepeatedTrigrams() {
        #expect(CollapseMetrics.repetitionRate([1, 2, 3, 4, 5, 6]) == 0)
        // "a b a b a b a b": trigrams aba bab aba bab aba bab -> 4 of 6 seen before.
        #expect(CollapseMetrics.repetitionRate([1, 2, 1, 2, 1, 2, 1, 2]) == 4.0 / 6)
        // One token over and over: every trigram but the first repeats.
        #expect(CollapseMetrics.repetitionRate([Int32](repeating: 9, count: 11)) == 8.0 / 9)
        #expect(CollapseMetrics.repetitionRate([1, 2, 3]) == 0)
        #expect(CollapseMetrics.repetitionRate([Int32]()) == 0)
        #expect(CollapseMetrics.repetitionRate([1, 2, 1, 2], n: 2) == 1.0 / 3)
    }

    @Test func compressionRatioIsHighForLoopsAndNearOneForProse() {
        let prose = Array("Steering vectors move a model's activations along a direction found from contrasting prompts.".utf8)
        let loop = Array(String(repeating: "the cat the cat ", count: 12).utf8)
        let proseRatio = CollapseMetrics.compressionRatio(prose)
        let loopRatio = CollapseMetrics.compressionRatio(loop)
        #expect(proseRatio > 0.8 && proseRatio < 1.3, "prose: \(proseRatio)")
        #expect(loopRatio > 5, "loop: \(loopRatio)")
        // No shared substrings: every byte a 9-bit literal.
        #expect(CollapseMetrics.compressionRatio(Array("abcdefgh".utf8)) == 8.0 / 9)
        #expect(CollapseMetrics.compressionRatio([]) == 1)
        // Matches are capped at 258 bytes: 1000 equal bytes are one literal and four matches.
        #expect(CollapseMetrics.compressionRatio([UInt8](repeating: 65, count: 1000)) == 1000 / (Double(9 + 4 * 24) / 8))
    }

    func measures(_ repetition: Double, _ compression: Double, ce: Double?, finite: Bool = true) -> CollapseRule.Measures {
        CollapseRule.Measures(finite: finite, repetition: [repetition], compression: [compression], crossEntropy: ce)
    }

    @Test func theRuleComparesAgainstTheUnsteeredRow() {
        let rule = CollapseRule(repetitionIncrease: 0.3, compressionFactor: 1.5, crossEntropyJump: 1)
        let base = measures(0.1, 1.0, ce: 3.0)
        #expect(rule.reason(measures(0.35, 1.4, ce: 3.9), baseline: base) == nil)
        #expect(rule.reason(measures(0.45, 1.0, ce: 3.0), baseline: base)?.hasPrefix("repetition 0.45 vs 0.1") == true)
        #expect(rule.reason(measures(0.1, 1.5, ce: 3.0), baseline: base)?.hasPrefix("compression ratio 1.5 vs 1") == true)
        #expect(rule.reason(measures(0.1, 1.0, ce: 4.0), baseline: base) == "cross-entropy +1 nats")
        #expect(rule.reason(measures(0, 0, ce: nil, finite: false), baseline: base) == "non-finite logits")
        let all = rule.reason(measures(0.9, 3, ce: 9), baseline: base)
        #expect(all?.components(separatedBy: "; ").count == 3)
        // A model that already loops when unsteered is not blamed for it.
        #expect(rule.reason(measures(0.8, 2.0, ce: 3.0), baseline: measures(0.7, 1.9, ce: 3.0)) == nil)
    }

    @Test func theRecommendedRangeIsTheWidestCleanIntervalAroundZero() {
        let alphas: [Double] = [-8, -4, -2, 0, 2, 4, 8]
        #expect(CollapseRule.recommendedRange(alphas: alphas, collapsed: [true, false, false, false, false, true, false]) == -4...2)
        // A clean row beyond a collapsed one does not widen the range.
        #expect(CollapseRule.recommendedRange(alphas: alphas, collapsed: [false, true, false, false, false, false, false]) == -2...8)
        #expect(CollapseRule.recommendedRange(alphas: alphas, collapsed: Array(repeating: false, count: 7)) == -8...8)
        #expect(CollapseRule.recommendedRange(alphas: alphas, collapsed: [true, true, true, false, true, true, true]) == 0...0)
        #expect(CollapseRule.recommendedRange(alphas: [0, 1, 2], collapsed: [false, false, true]) == 0...1)
    }
}

@Suite("Neutral text windows (129 tokens, stride 128)")
struct NeutralTextChunksTests {
    @Test func windowsOverlapByOneTokenAndScoreTheBudget() {
        let documents: [[Int32]] = [Array(1...200), Array(1000...1300)]
        let chunks = NeutralTextChunks.chunks(documents: documents, eos: -1, budget: 300)
        #expect(chunks.map(\.count) == [129, 129, 45])
        #expect(chunks.map { $0.count - 1 }.reduce(0, +) == 300)
        // The stream is the documents with EOS after each; window k starts at 128·k.
        let stream = documents[0] + [-1] + documents[1] + [-1]
        for (k, chunk) in chunks.enumerated() { #expect(chunk == Array(stream[128 * k ..< 128 * k + chunk.count])) }
    }

    @Test func shortTextGivesWhatItHas() {
        let chunks = NeutralTextChunks.chunks(documents: [[5, 6, 7]], eos: 0, budget: 1000)
        #expect(chunks == [[5, 6, 7, 0]])
        #expect(NeutralTextChunks.chunks(documents: [], eos: 0, budget: 10).isEmpty)
    }

    @Test func tokenizingStopsOnceTheBudgetIsCovered() {
        var seen: [String] = []
        let documents = NeutralTextChunks.tokenized(["a", "b", "c", "d"], budget: 5) { text in
            seen.append(text)
            return [Int32](repeating: 1, count: 3)
        }
        #expect(documents.count == 2 && seen == ["a", "b"])
    }
}
