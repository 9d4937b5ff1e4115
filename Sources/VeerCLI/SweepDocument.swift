import Analysis
import Evaluation
import Foundation
import Tokenizers

/// `veer sweep --json`: one document. Arrays named per alpha follow `alphas`. Values that were not finite (a
/// degenerate row) are null. The concept-probability measurement (judge, lexicon) adds its own optional section
/// beside `prompts` when it runs.
struct SweepDocument: Encodable {
    struct Settings: Encodable {
        var prompt_token_limit: Int
        var continuation_tokens: Int
        var ce_tokens: Int
        var kept_tokens_per_end: Int
        var collapse_rule: CollapseRule
        var collapse_ngram: Int
        var compression: String
    }

    /// A tracked token: its probability after the prompt and the change against alpha 0, per alpha.
    struct TrackedToken: Encodable {
        var id: Int32
        var text: String
        /// Its rank (1 = most probable) at the largest and smallest alpha, when among the kept tokens there.
        var rank_at_max: Int?
        var rank_at_min: Int?
        var probability: [Double?]
        var delta_p: [Double?]
    }

    struct Continuation: Encodable {
        var alpha: Double
        var text: String
        var tokens: Int
        var repetition_rate: Double
        var compression_ratio: Double
        var finite: Bool
    }

    /// Spherical steering: at one alpha, the share of the prompt's positions whose gate opened at each rotating block.
    struct GateOpenRate: Encodable {
        struct Block: Encodable { var block: Int; var rate: Double }
        var alpha: Double
        var blocks: [Block]
    }

    struct Prompt: Encodable {
        var text: String
        var tokens: Int
        var dropped_tokens: Int
        var logits_finite: [Bool]
        var tracked_tokens: [TrackedToken]
        var continuations: [Continuation]
        /// Only when the steering rotates (Spherical): per alpha (alpha 0, unsteered, has no blocks).
        var gate_open_rate: [GateOpenRate]?
    }

    struct CrossEntropy: Encodable {
        struct Point: Encodable {
            var alpha: Double
            var cross_entropy: Double?
            var delta_cross_entropy: Double?
            var perplexity: Double?
            var finite: Bool
        }
        var source: String
        var source_sha256: String
        var tokens_per_alpha: Int
        var window: Int
        var stride: Int
        var points: [Point]
    }

    struct Row: Encodable {
        var alpha: Double
        var delta_cross_entropy: Double?
        /// Per prompt.
        var repetition_rate: [Double]
        var compression_ratio: [Double]
        var degenerate: Bool
        var reason: String?
    }

    struct Range: Encodable {
        var lower: Double
        var upper: Double
        /// The same range as strengths S of `FILE:S` (alpha times the --steer strength), for one vector file.
        var file_strength: [Double]?
    }

    struct WrittenRange: Encodable {
        var file: String
        var range: [Double]
    }

    var alphas: [Double]
    var settings: Settings
    var prompts: [Prompt]
    var cross_entropy: CrossEntropy?
    var rows: [Row]
    var recommended_range: Range
    var written_range: WrittenRange?
    /// Whether the prompts were wrapped in the chat template (`--chat`).
    var chat: Bool
    /// Concept probability (`--concept`): sampled completions labelled by the judge and/or the lexicon.
    var concept: ConceptSweepResult?
    /// The three laws checked on these curves; set once everything else is.
    var laws: SweepLaws?
    var run: RunManifest
    var wall_seconds: Double

    init(_ result: StrengthSweepResult, tokenizer: Tokenizer, neutral: BoolQPassages?, run: RunManifest, strength: Float?, chat: Bool) {
        self.chat = chat
        let alphas = result.settings.grid.values
        let zero = result.settings.grid.zeroIndex
        self.alphas = alphas
        settings = Settings(prompt_token_limit: result.settings.promptTokenLimit, continuation_tokens: result.settings.continuationLength,
                            ce_tokens: result.settings.crossEntropyTokens, kept_tokens_per_end: result.settings.trackedTokens,
                            collapse_rule: result.settings.rule, collapse_ngram: 3,
                            compression: "LZ77 estimate (deflate window and match lengths; literal 9 bits, match 24 bits)")
        prompts = result.prompts.map { prompt in
            let run = prompt.run
            let tracked = run.tracked.enumerated().map { t, id in
                let curve = run.probabilities.map { $0[t] }
                return TrackedToken(id: id, text: tokenizer.decode([id], renderSpecial: true),
                                    rank_at_max: run.topAtMax.firstIndex(of: id).map { $0 + 1 },
                                    rank_at_min: run.topAtMin.firstIndex(of: id).map { $0 + 1 },
                                    probability: curve.map(finiteOrNull), delta_p: curve.map { finiteOrNull($0 - curve[zero]) })
            }
            let continuations = alphas.indices.map { a in
                Continuation(alpha: alphas[a], text: prompt.continuationTexts[a], tokens: run.continuations[a].count,
                             repetition_rate: prompt.repetition[a], compression_ratio: prompt.compression[a],
                             finite: run.continuationFinite[a])
            }
            let gates = run.gateOpenRate.map { rates in
                alphas.indices.map { a in
                    GateOpenRate(alpha: alphas[a], blocks: rates[a].keys.sorted().map { .init(block: $0, rate: rates[a][$0]!) })
                }
            }
            return Prompt(text: prompt.text, tokens: run.promptTokens.count, dropped_tokens: prompt.droppedTokens,
                          logits_finite: run.logitsFinite, tracked_tokens: tracked, continuations: continuations,
                          gate_open_rate: gates)
        }
        if let neutral, !result.crossEntropy.isEmpty {
            let ce0 = result.crossEntropy[zero].crossEntropy
            cross_entropy = CrossEntropy(
                source: neutral.file, source_sha256: neutral.sha256, tokens_per_alpha: result.crossEntropy[0].tokens,
                window: NeutralTextChunks.length, stride: NeutralTextChunks.stride,
                points: result.crossEntropy.map { point in
                    .init(alpha: point.alpha, cross_entropy: finiteOrNull(point.crossEntropy),
                          delta_cross_entropy: finiteOrNull(point.crossEntropy - ce0), perplexity: finiteOrNull(point.perplexity),
                          finite: point.finite)
                })
        }
        rows = result.rows.enumerated().map { a, row in
            Row(alpha: row.alpha, delta_cross_entropy: row.deltaCrossEntropy.flatMap(finiteOrNull),
                repetition_rate: result.prompts.map { $0.repetition[a] }, compression_ratio: result.prompts.map { $0.compression[a] },
                degenerate: row.collapse != nil, reason: row.collapse)
        }
        let range = result.recommendedRange
        recommended_range = Range(lower: range.lowerBound, upper: range.upperBound,
                                  file_strength: strength.map { s in
                                      let ends = [range.lowerBound * Double(s), range.upperBound * Double(s)]
                                      return [ends.min()!, ends.max()!]
                                  })
        self.run = run
        wall_seconds = 0
    }

}
