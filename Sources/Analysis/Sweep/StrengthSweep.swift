import Foundation
import Kernels
import Llama
import Tokenizers

/// What a strength sweep measures and how much (spec §3.2; defaults from the paper's code where it has them).
public struct StrengthSweepSettings: Sendable {
    public var grid: AlphaGrid
    /// Tokens kept per end of the grid (the paper's K = 100).
    public var trackedTokens: Int
    /// A prompt keeps its last this many tokens (the paper's 100); BOS, when the model adds one, comes before them.
    public var promptTokenLimit: Int
    /// Greedy tokens generated per alpha for the collapse measures (0: none).
    public var continuationLength: Int
    /// Neutral-text tokens scored per alpha for the cross-entropy change (0: none).
    public var crossEntropyTokens: Int
    public var rule: CollapseRule
    /// Alphas per batch of KV-cache slots (default: every slot the model has).
    public var slots: Int?

    public init(grid: AlphaGrid, trackedTokens: Int = 100, promptTokenLimit: Int = 100, continuationLength: Int = 48,
                crossEntropyTokens: Int = 4096, rule: CollapseRule = CollapseRule(), slots: Int? = nil) {
        self.grid = grid; self.trackedTokens = trackedTokens; self.promptTokenLimit = promptTokenLimit
        self.continuationLength = continuationLength; self.crossEntropyTokens = crossEntropyTokens; self.rule = rule
        self.slots = slots
    }

    /// The KV-cache positions a slot needs for prompts of at most `promptLength` tokens.
    public func positionsNeeded(promptLength: Int) -> Int {
        max(promptLength + max(continuationLength - 1, 0), crossEntropyTokens > 0 ? NeutralTextChunks.length - 1 : 0, 1)
    }
}

/// One prompt's sweep with its continuation measures per alpha.
public struct PromptSweepResult: Sendable {
    public var text: String
    /// Tokens of the prompt dropped from its start to keep `promptTokenLimit`.
    public var droppedTokens: Int
    public var run: PromptSweepRun
    /// [alpha] the greedy continuation's text and measures.
    public var continuationTexts: [String]
    public var repetition: [Double]
    public var compression: [Double]
}

/// One alpha of the sweep as a whole: its verdict.
public struct StrengthSweepRow: Sendable {
    public var alpha: Double
    /// CE(alpha) − CE(0), nats per token; nil without neutral text.
    public var deltaCrossEntropy: Double?
    /// Why the row collapsed (`CollapseRule`), nil when it did not.
    public var collapse: String?
}

public struct StrengthSweepResult: Sendable {
    public var settings: StrengthSweepSettings
    public var prompts: [PromptSweepResult]
    /// [alpha]; empty when `crossEntropyTokens` is 0.
    public var crossEntropy: [CrossEntropyPoint]
    public var rows: [StrengthSweepRow]
    /// `CollapseRule.recommendedRange` of the rows.
    public var recommendedRange: ClosedRange<Double>
}

/// A strength sweep of one steering on one model: next-token probability changes and greedy continuations for each
/// prompt, the cross-entropy change on neutral text, the collapse verdict per alpha and the recommended range.
public final class StrengthSweep<B: ComputeBackend> {
    public let model: LlamaModel<B>
    public let tokenizer: Tokenizer
    public let addBOS: Bool

    public init(model: LlamaModel<B>, tokenizer: Tokenizer, addBOS: Bool) {
        self.model = model; self.tokenizer = tokenizer; self.addBOS = addBOS
    }

    /// Runs the sweep. `neutralText`: documents for the cross-entropy change (unused when its budget is 0).
    /// `progress` hears a line per finished stage.
    public func run(prompts: [String], neutralText: [String], steering: SweepSteering, settings: StrengthSweepSettings,
                    progress: (String) -> Void = { _ in }) throws -> StrengthSweepResult {
        guard !prompts.isEmpty else { throw SweepError("a sweep needs at least one prompt") }
        let grid = settings.grid
        let sweeper = PromptSweeper(model: model)
        var results: [PromptSweepResult] = []
        for (p, text) in prompts.enumerated() {
            let (ids, dropped) = SweepPrompt.tokens(text, tokenizer: tokenizer, addBOS: addBOS, limit: settings.promptTokenLimit)
            guard ids.count > (addBOS ? 1 : 0) else { throw SweepError("prompt \(p) has no tokens") }
            let run = try sweeper.run(prompt: ids, grid: grid, steering: steering, tracked: settings.trackedTokens,
                                      continuationLength: settings.continuationLength,
                                      stopTokens: tokenizer.vocabulary.endOfGeneration, slots: settings.slots)
            let texts = run.continuations.map { tokenizer.decode($0) }
            results.append(PromptSweepResult(
                text: text, droppedTokens: dropped, run: run, continuationTexts: texts,
                repetition: run.continuations.map { CollapseMetrics.repetitionRate($0) },
                compression: run.continuations.map { CollapseMetrics.compressionRatio(tokenizer.detokenize($0)) }))
            progress("prompt \(p + 1)/\(prompts.count): \(grid.values.count) alphas, \(ids.count) prompt tokens, \(settings.continuationLength) continuation tokens")
        }

        var crossEntropy: [CrossEntropyPoint] = []
        if settings.crossEntropyTokens > 0 {
            guard let eos = tokenizer.vocabulary.eos else { throw SweepError("the model's tokenizer has no EOS token to join the neutral-text documents") }
            let documents = NeutralTextChunks.tokenized(neutralText, budget: settings.crossEntropyTokens) {
                self.tokenizer.encode($0, addBOS: false).ids
            }
            let chunks = NeutralTextChunks.chunks(documents: documents, eos: eos, budget: settings.crossEntropyTokens)
            crossEntropy = try CrossEntropySweeper(model: model).run(chunks: chunks, grid: grid, steering: steering, slots: settings.slots)
            progress("cross-entropy: \(crossEntropy.first?.tokens ?? 0) neutral-text tokens per alpha")
        }

        let zero = grid.zeroIndex
        func measures(_ a: Int) -> CollapseRule.Measures {
            let finite = results.allSatisfy { $0.run.logitsFinite[a] && $0.run.continuationFinite[a] }
                && (crossEntropy.isEmpty || crossEntropy[a].finite)
            return CollapseRule.Measures(finite: finite, repetition: results.map { $0.repetition[a] },
                                         compression: results.map { $0.compression[a] },
                                         crossEntropy: crossEntropy.isEmpty ? nil : crossEntropy[a].crossEntropy)
        }
        let baseline = measures(zero)
        guard baseline.finite else {
            throw SweepError("the unsteered model (alpha 0) gave non-finite logits; nothing can be compared against it")
        }
        let rows = grid.values.indices.map { a in
            StrengthSweepRow(alpha: grid.values[a],
                             deltaCrossEntropy: crossEntropy.isEmpty ? nil : crossEntropy[a].crossEntropy - crossEntropy[zero].crossEntropy,
                             collapse: a == zero ? nil : settings.rule.reason(measures(a), baseline: baseline))
        }
        let range = CollapseRule.recommendedRange(alphas: grid.values, collapsed: rows.map { $0.collapse != nil })
        return StrengthSweepResult(settings: settings, prompts: results, crossEntropy: crossEntropy, rows: rows,
                                   recommendedRange: range)
    }
}

/// How a sweep cuts its prompts.
public enum SweepPrompt {
    /// A prompt's ids as the sweep runs them: its last `limit` tokens, after BOS when the model adds one; and how
    /// many tokens were dropped.
    public static func tokens(_ text: String, tokenizer: Tokenizer, addBOS: Bool, limit: Int) -> (ids: [Int32], dropped: Int) {
        let ids = tokenizer.encode(text, addBOS: false).ids
        let kept = Array(ids.suffix(limit))
        let bos = addBOS ? tokenizer.vocabulary.bos.map { [$0] } ?? [] : []
        return (bos + kept, ids.count - kept.count)
    }
}
