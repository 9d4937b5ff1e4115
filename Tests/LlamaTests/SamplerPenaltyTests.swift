import Testing
@testable import Llama

/// OpenAI's additive penalties on the host sampler: logit −= count × frequency + presence, over the recent window,
/// after the repetition penalty (llama.cpp's order).
@Suite struct SamplerPenaltyTests {
    /// Candidates sorted by logit as the device's topk returns them.
    let candidates: [(id: Int32, logit: Float)] = [(7, 3.0), (4, 2.5), (9, 2.2), (1, 0.5)]

    @Test func frequencyPenaltyCountsOccurrences() {
        // Token 7 seen twice: 3.0 − 2 × 0.3 = 2.4 < 2.5, so greedy picks 4.
        var sampler = Sampler(SamplerSettings(temperature: 0, frequencyPenalty: 0.3))
        #expect(sampler.sample(candidates: candidates, recent: [7, 5, 7][...]) == 4)
        // Seen once: 2.7 > 2.5, 7 stays on top.
        var once = Sampler(SamplerSettings(temperature: 0, frequencyPenalty: 0.3))
        #expect(once.sample(candidates: candidates, recent: [7, 5][...]) == 7)
    }

    @Test func presencePenaltyIgnoresCounts() {
        // 3.0 − 0.6 = 2.4 whether 7 was seen once or three times, so 4 (2.5) wins.
        var sampler = Sampler(SamplerSettings(temperature: 0, presencePenalty: 0.6))
        #expect(sampler.sample(candidates: candidates, recent: [7, 7, 7][...]) == 4)
        // Both 7 (3.0 − 0.9 = 2.1) and 4 (1.6) seen: 9 (2.2) wins.
        var both = Sampler(SamplerSettings(temperature: 0, presencePenalty: 0.9))
        #expect(both.sample(candidates: candidates, recent: [7, 4][...]) == 9)
    }

    @Test func negativePenaltyRaisesRecentTokens() {
        var sampler = Sampler(SamplerSettings(temperature: 0, frequencyPenalty: -1))
        // 1: 0.5 + 1 = 1.5, still below 7's 3.0.
        #expect(sampler.sample(candidates: candidates, recent: [1][...]) == 7)
        var strong = Sampler(SamplerSettings(temperature: 0, presencePenalty: -2, penaltyWindow: 64))
        // 9: 2.2 + 2 = 4.2 > 3.0.
        #expect(strong.sample(candidates: candidates, recent: [9][...]) == 9)
    }

    @Test func windowLimitsWhatCounts() {
        // Token 7 appears only before the last 2 tokens: outside the window, no penalty.
        var sampler = Sampler(SamplerSettings(temperature: 0, presencePenalty: 2, penaltyWindow: 2))
        #expect(sampler.sample(candidates: candidates, recent: [7, 5, 6][...]) == 7)
    }

    @Test func penaltiesWidenTheCandidatesAndDisableArgmax() {
        let plain = SamplerSettings(temperature: 0)
        #expect(plain.isPlainArgmax)
        #expect(plain.candidateCount(penalized: 10, vocab: 1000) == 40)
        let penalized = SamplerSettings(temperature: 0, frequencyPenalty: 0.5)
        #expect(!penalized.isPlainArgmax)
        #expect(penalized.candidateCount(penalized: 10, vocab: 1000) == 50)
    }

    @Test func outOfRangePenaltiesAreNamed() {
        #expect(throws: ModelError.input("frequency penalty 2.5 must be in [-2, 2]")) {
            try SamplerSettings(frequencyPenalty: 2.5).validate()
        }
        #expect(throws: ModelError.input("presence penalty nan must be in [-2, 2]")) {
            try SamplerSettings(presencePenalty: .nan).validate()
        }
    }
}
