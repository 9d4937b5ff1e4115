import Analysis
import Foundation

/// What `veer sweep search --json` prints, `--merge` reads and joins, and `--from` reads the chosen layers or
/// configurations from: the plan with its budget, each stage's table, the winners and the written configs.
struct SweepSearchDocument: Codable {
    struct PlanRecord: Codable, Equatable {
        var task: String
        var data_sha256: String
        var methods: [String]
        var layers: [Int]
        /// Stage 2's grid per method (the file's strength: multiplier or alpha).
        var strengths: [String: [Float]]
        var betas: [Float]
        var kappa: Float
        var split: SearchSplit
        /// The validation questions this document scores (a shard's slice, or all of them).
        var validation_questions: Int
        var shard: String?
        var budget: SearchBudget
        /// The documented costs the estimate uses (seconds per scored question × configuration pair, per question an
        /// extraction reads) and the estimate of the stages this run runs.
        var cost_per_pair_seconds: Double
        var cost_per_extraction_question_seconds: Double
        var estimate_seconds: Double
    }

    /// One stage's table: every candidate's validation metrics, the unsteered model's, and each method's winner.
    struct StageRecord: Codable {
        var name: String
        var unsteered: [String: Double]
        var rows: [SearchRow]
        /// Per method (in --methods order): the winning row.
        var best: [SearchRow]
        var wall_seconds: Double
        /// Sharded runs: the evaluation document of the slice, which --merge joins (`veer eval merge` rules).
        var evaluation: EvalDocument?
    }

    /// A method's winner, written by the final stage.
    struct Chosen: Codable {
        var method: String
        var candidate: SearchCandidate
        var config: String
        /// The vector re-extracted on the whole training fold (relative to the configs file).
        var vector: String
        var validation_mc1: Double
        var validation_mc2: Double
    }

    /// One extraction the run made: which questions it read, so a reader can check that no validation or held-out
    /// question was extracted from during the search.
    struct ExtractionRecord: Codable, Equatable {
        var stage: String
        var method: String
        var layers: [Int]
        /// Question indices of the file, [lower, upper).
        var questions: Range<Int>
        var seconds: Double
    }

    /// "plan" (--dry-run), "layers", "strengths", "final" or "all".
    var stage: String
    var plan: PlanRecord
    var stages: [StageRecord]
    var extractions: [ExtractionRecord] = []
    var chosen: [Chosen]?
    var configs_file: String?
    /// The command that runs the next stage, when there is one.
    var next: String?
    var run: RunManifest?
    var wall_seconds: Double

    /// The stage named `name`, complete (not a shard's slice); nil when absent.
    func completeStage(_ name: String) -> StageRecord? {
        plan.shard == nil ? stages.first { $0.name == name } : nil
    }
}

/// The documented costs of the budget's estimate, measured on the 2-core x86 machine of docs/results.md with the
/// CPU backend (f32, 2 threads), default model: scoring one TruthfulQA question under one configuration (the
/// unsteered whole set takes 353 s for 817 questions, steered configurations a little more), and the capture an
/// extraction makes per question it reads (ITI's two captures of every answer dominate).
enum SweepSearchCost {
    static let perPair = 0.45
    static let perExtractionQuestion = 0.35
}
