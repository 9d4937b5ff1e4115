import Foundation
import Kernels

/// Token selection on the host, over candidates the device returns (topk), so one seed draws the same tokens on
/// every backend wherever their logits agree. Defaults are llama.cpp's: temperature 0.8, top-k 40, top-p 0.95,
/// min-p 0.05, no repetition penalty. Temperature 0 is greedy (argmax, ties to the lowest id).
public struct SamplerSettings: Sendable, Equatable {
    /// Logits are divided by it; 0 is greedy.
    public var temperature: Float = 0.8
    /// Keep the k most likely tokens (0: off; the device returns at most 256 candidates).
    public var topK: Int = 40
    /// Keep the smallest set whose probability reaches p (1: off).
    public var topP: Float = 0.95
    /// Drop tokens less likely than min-p × the top token's probability (0: off).
    public var minP: Float = 0.05
    /// Divides positive (multiplies negative) logits of recent tokens; 1 is off.
    public var repetitionPenalty: Float = 1
    /// Subtracted from a recent token's logit once per occurrence (OpenAI's `frequency_penalty`; 0 is off).
    public var frequencyPenalty: Float = 0
    /// Subtracted from the logit of any token that occurs recently (OpenAI's `presence_penalty`; 0 is off).
    public var presencePenalty: Float = 0
    /// How many recent tokens (prompt and generated) the penalties look at (llama.cpp's `penalty_last_n`).
    public var penaltyWindow: Int = 64
    /// Seeds the draw: the same seed and logits give the same tokens.
    public var seed: UInt64 = 0

    /// Settings with llama.cpp's defaults unless given.
    public init(temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repetitionPenalty: Float = 1, frequencyPenalty: Float = 0, presencePenalty: Float = 0,
                penaltyWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature; self.topK = topK; self.topP = topP; self.minP = minP
        self.repetitionPenalty = repetitionPenalty; self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty; self.penaltyWindow = penaltyWindow; self.seed = seed
    }

    /// Whether selection is argmax (temperature 0).
    public var isGreedy: Bool { temperature <= 0 }

    /// Whether any penalty changes recent tokens' logits.
    public var isPenalized: Bool { repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0 }

    /// Whether the device's argmax alone picks the token (greedy and no penalty).
    public var isPlainArgmax: Bool { isGreedy && !isPenalized }

    /// How many candidates to ask the device for: top-k, widened by the tokens a penalty may push down, since a
    /// penalized candidate can let the next one in. (A penalty that raises logits — repetition penalty below 1, a
    /// negative frequency or presence penalty — acts on these candidates only.)
    public func candidateCount(penalized: Int, vocab: Int) -> Int {
        let k = topK <= 0 ? 256 : topK
        return min(vocab, 256, k + (isPenalized ? penalized : 0))
    }

    /// Throws `ModelError.input` naming the first setting out of range.
    public func validate() throws {
        guard temperature.isFinite, temperature >= 0 else { throw ModelError.input("temperature \(temperature) must be >= 0") }
        guard topK >= 0 else { throw ModelError.input("top-k \(topK) must be >= 0 (0: off)") }
        guard topP > 0, topP <= 1 else { throw ModelError.input("top-p \(topP) must be in (0, 1]") }
        guard minP >= 0, minP < 1 else { throw ModelError.input("min-p \(minP) must be in [0, 1)") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else { throw ModelError.input("repetition penalty \(repetitionPenalty) must be > 0") }
        guard frequencyPenalty.isFinite, abs(frequencyPenalty) <= 2 else { throw ModelError.input("frequency penalty \(frequencyPenalty) must be in [-2, 2]") }
        guard presencePenalty.isFinite, abs(presencePenalty) <= 2 else { throw ModelError.input("presence penalty \(presencePenalty) must be in [-2, 2]") }
    }
}

/// xoshiro256** seeded through SplitMix64: small, fast, the same sequence on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var seeds = SplitMix64(seed: seed)
        s = (seeds.next(), seeds.next(), seeds.next(), seeds.next())
    }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3; s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }
    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// The host half of sampling: penalties, top-k, top-p, min-p, temperature, then one draw.
public struct Sampler: Sendable {
    /// The settings it samples with.
    public let settings: SamplerSettings
    private var rng: SeededGenerator

    /// A sampler with `settings`, its generator seeded by `settings.seed`.
    public init(_ settings: SamplerSettings) {
        self.settings = settings
        self.rng = SeededGenerator(seed: settings.seed)
    }

    /// Picks a token from candidates sorted by descending logit (ties by lower id), as the device's topk returns
    /// them. `recent` are the last generated/prompt tokens for the repetition penalty.
    public mutating func sample(candidates: [(id: Int32, logit: Float)], recent: ArraySlice<Int32>) -> Int32 {
        precondition(!candidates.isEmpty, "sampling needs at least one candidate")
        var c = candidates
        if settings.isPenalized {
            var counts: [Int32: Int] = [:]
            for id in recent.suffix(settings.penaltyWindow) { counts[id, default: 0] += 1 }
            for i in c.indices {
                guard let count = counts[c[i].id] else { continue }
                // llama.cpp's order: the repetition penalty divides positive logits and multiplies negative ones;
                // then the additive penalties subtract count × frequency + presence.
                if settings.repetitionPenalty != 1 {
                    c[i].logit = c[i].logit > 0 ? c[i].logit / settings.repetitionPenalty : c[i].logit * settings.repetitionPenalty
                }
                c[i].logit -= Float(count) * settings.frequencyPenalty + settings.presencePenalty
            }
            c.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
        }
        if settings.isGreedy { return c[0].id }
        if settings.topK > 0, c.count > settings.topK { c.removeLast(c.count - settings.topK) }
        // Probabilities over the remaining candidates (unit temperature), for top-p and min-p.
        func softmax(_ logits: [Float], temperature: Float) -> [Double] {
            let m = Double(logits[0]) / Double(temperature)
            let e = logits.map { exp(Double($0) / Double(temperature) - m) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
        var p = softmax(c.map(\.logit), temperature: 1)
        if settings.topP < 1 {
            var cumulative = 0.0, keep = c.count
            for (i, pi) in p.enumerated() {
                cumulative += pi
                if cumulative >= Double(settings.topP) { keep = i + 1; break }
            }
            c.removeLast(c.count - keep); p.removeLast(p.count - keep)
        }
        if settings.minP > 0 {
            let threshold = p[0] * Double(settings.minP)
            let keep = max(1, p.prefix { $0 >= threshold }.count)
            c.removeLast(c.count - keep)
        }
        let probabilities = softmax(c.map(\.logit), temperature: settings.temperature)
        let u = rng.nextUnit()
        var cumulative = 0.0
        for (i, pi) in probabilities.enumerated() {
            cumulative += pi
            if u < cumulative { return c[i].id }
        }
        return c[c.count - 1].id
    }
}
