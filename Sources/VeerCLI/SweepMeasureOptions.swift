import Analysis
import ArgumentParser

/// How much `veer sweep` measures and the collapse thresholds (defaults: the paper's code where it has one).
struct SweepMeasureOptions: ParsableArguments {
    @Option(name: .customLong("top-k"), help: "Tokens shown per end of the grid in the table and the report's charts.")
    var topK: Int = 8

    @Option(name: .customLong("keep-tokens"), help: "Tokens whose probability curves --json keeps per end of the grid (the paper's K).")
    var keepTokens: Int = 100

    @Option(name: .customLong("prompt-tokens"), help: "A prompt keeps its last N tokens (after BOS).")
    var promptTokens: Int = 100

    @Option(name: .customLong("continuation-tokens"), help: "Greedy tokens generated per alpha for the collapse measures (0: none).")
    var continuationTokens: Int = 48

    @Option(name: .customLong("ce-tokens"), help: "Neutral-text tokens scored per alpha for the cross-entropy change (0: none).")
    var ceTokens: Int = 4096

    @Option(help: "The data directory holding boolq/boolq_mc.jsonl, whose passages are the neutral text (default: $VEER_DATA, else the repository's data/).")
    var data: String?

    @Option(help: "KV-cache slots: alphas per batch (default: all alphas, at most 64).")
    var slots: Int?

    @Option(name: .customLong("collapse-repetition"), help: "Collapse: 3-gram repetition rate at least this much above alpha 0's.")
    var collapseRepetition: Double = CollapseRule().repetitionIncrease

    @Option(name: .customLong("collapse-compression"), help: "Collapse: compression ratio at least this many times alpha 0's.")
    var collapseCompression: Double = CollapseRule().compressionFactor

    @Option(name: .customLong("collapse-ce"), help: "Collapse: cross-entropy at least this many nats per token above alpha 0's.")
    var collapseCE: Double = CollapseRule().crossEntropyJump

    func validate() throws {
        let counts: [(String, Int, Int)] = [("--top-k", topK, 1), ("--keep-tokens", keepTokens, 1), ("--prompt-tokens", promptTokens, 1),
                                            ("--continuation-tokens", continuationTokens, 0), ("--ce-tokens", ceTokens, 0), ("--slots", slots ?? 1, 1)]
        for (name, value, least) in counts where value < least {
            throw ValidationError("\(name) \(value): expected a whole number >= \(least)")
        }
        if topK > keepTokens { throw ValidationError("--top-k \(topK): at most --keep-tokens (\(keepTokens)) tokens are kept") }
        let thresholds: [(String, Double)] = [("--collapse-repetition", collapseRepetition), ("--collapse-compression", collapseCompression),
                                              ("--collapse-ce", collapseCE)]
        for (name, value) in thresholds where !(value.isFinite && value > 0) {
            throw ValidationError("\(name) \(value): expected a finite number > 0")
        }
    }

    var rule: CollapseRule {
        CollapseRule(repetitionIncrease: collapseRepetition, compressionFactor: collapseCompression, crossEntropyJump: collapseCE)
    }

    func settings(grid: AlphaGrid) -> StrengthSweepSettings {
        StrengthSweepSettings(grid: grid, trackedTokens: keepTokens, promptTokenLimit: promptTokens,
                              continuationLength: continuationTokens, crossEntropyTokens: ceTokens, rule: rule, slots: slots)
    }
}
