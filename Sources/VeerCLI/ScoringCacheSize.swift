import Foundation
import Llama

/// The KV cache of a command that scores continuations (`eval mc`, `prefutil`): each slot holds the longest request
/// (prompt and continuation), and by default as many slots as fit in 1 GiB, at most 64.
enum ScoringCacheSize {
    /// KV-cache bytes the default slot count may use.
    static let budget = 1 << 30
    static let maxDefaultSlots = 64

    /// Positions per slot: `--ctx-size` when given (at least `needed`), else exactly `needed`. `what` names the
    /// longest request in errors ("truthfulqa-mc item", "pair").
    static func contextSize(needed: Int, options: ModelOptions, config: LlamaConfig, file: String, what: String) throws -> Int {
        if let given = options.context.contextSize {
            guard given >= needed else {
                throw InvalidInput("--ctx-size \(given): the longest \(what) needs \(needed) positions (prompt and option); give at least that, or leave --ctx-size out")
            }
            return try options.context.resolved(modelLimit: config.contextLength, file: file)
        }
        guard needed <= config.contextLength else {
            throw InvalidInput("the longest \(what) needs \(needed) positions but the model's context_length is \(config.contextLength)")
        }
        return needed
    }

    /// `--slots` when given, else as many slots of `contextSize` positions as fit in `budget` (1 to 64).
    static func slots(given: Int?, config: LlamaConfig, contextSize: Int) -> Int {
        let bytesPerSlot = 2 * config.layers * contextSize * config.kvHeads * config.headDim * 4
        return given ?? max(1, min(maxDefaultSlots, budget / bytesPerSlot))
    }
}
