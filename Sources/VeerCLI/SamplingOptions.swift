import ArgumentParser
import Llama

/// How the next token is chosen, the same options (and llama.cpp's names and defaults) on every command that samples:
/// `generate` and `chat`.
struct SamplingOptions: ParsableArguments {
    @Option(name: [.customLong("temperature"), .customLong("temp")],
            help: "Sampling temperature; 0 is greedy (argmax, ties to the lowest id).")
    var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0: off).") var topK = 40
    @Option(name: .customLong("top-p"), help: "Keep the smallest set with this cumulative probability.") var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Drop tokens below this fraction of the top probability.") var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1: off).") var repeatPenalty: Float = 1
    @Option(name: .customLong("frequency-penalty"), parsing: .unconditional,
            help: "Subtract this times a token's count in the last 64 tokens from its logit (0: off; -2...2).")
    var frequencyPenalty: Float = 0
    @Option(name: .customLong("presence-penalty"), parsing: .unconditional,
            help: "Subtract this from the logit of every token seen in the last 64 tokens (0: off; -2...2).")
    var presencePenalty: Float = 0
    @Option(name: [.customShort("s"), .customLong("seed")],
            help: "Random seed (default: a random one, as llama.cpp; the run manifest records it).")
    var seed: UInt64?

    func validate() throws {
        do { try settings(seed: 0).validate() } catch { throw ValidationError("\(error)") }
    }

    /// The seed a run uses: the one given, else a fresh random one (drawn once per run, so `--compare` and every
    /// chat turn derive from the same recorded value).
    func resolvedSeed() -> UInt64 { seed ?? UInt64.random(in: 0...UInt64.max) }

    func settings(seed: UInt64) -> SamplerSettings {
        SamplerSettings(temperature: temperature, topK: topK, topP: topP, minP: minP,
                        repetitionPenalty: repeatPenalty, frequencyPenalty: frequencyPenalty,
                        presencePenalty: presencePenalty, seed: seed)
    }
}
