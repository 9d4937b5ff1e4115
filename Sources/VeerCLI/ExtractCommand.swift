import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer extract --method M ... --out FILE`: builds a vector file from texts: additive directions (mean-diff,
/// cvector-mean, pca-diff, pca-center, caa), a Spherical prototype (rotate), AUSteer unit coefficients
/// (scale_units) or ITI head directions (add at heads_concat), with Veer's provenance keys (method, site, positions,
/// BOS, template, per-layer norms, model fingerprint) and the keys that say how the file is applied.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract steering vectors from contrastive pairs, CAA A/B items or TruthfulQA answers into a vector file.",
        discussion: """
            mean-diff: direction.N = mean over positives of resid_post[N] - mean over negatives, each text reduced to \
            its last token (or --reduce mean), unnormalised; read and applied at the same block. \
            cvector-mean: llama.cpp's `llama-cvector-generator --method mean`: pairs padded with the space token to \
            equal length, per-position differences of block N-1's output over every position, mean, unit norm, \
            written as direction.N. \
            pca-diff / pca-center: repeng's read_representations: first principal component of the last-token pair \
            differences, or of the activations centred per pair; unit length, oriented so positives project higher. \
            caa (--caa FILE, a CAA generate_dataset.json): the A/B question as the user message of the chat template, \
            the assistant turn started with "(" + letter, read at the letter; mean over items of matching minus \
            non-matching; applied from:prompt-end. \
            spherical (--pairs or --truthfulqa): unit difference of the unpaired class means of last-token \
            resid_post[N]; a rotate file with the vMF gate (--kappa, --alpha, --beta) or --ungated --t T. \
            austeer (--pairs): sign-consistency scores of every unit of --site at every block, global top --k, \
            strength --alpha; a scale_units file. \
            iti (--truthfulqa): per-head logistic probes on heads_concat, top --heads by held-out accuracy, \
            centre-of-mass directions times sigma, strength --alpha, applied from:answer-start.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case meanDiff = "mean-diff", cvectorMean = "cvector-mean", pcaDiff = "pca-diff", pcaCenter = "pca-center"
        case caa, spherical, austeer, iti
    }

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "\(Method.allCases.map(\.rawValue).joined(separator: ", ")).") var method: Method = .meanDiff
    @Option(help: "Contrastive pairs, JSONL: {\"positive\": text, \"negative\": text} per line.") var pairs: String?
    @Option(name: .customLong("positive-file"), help: "llama.cpp-style prompts, one per line (\\n escapes), with --negative-file.")
    var positiveFile: String?
    @Option(name: .customLong("negative-file"), help: "The negative prompts, paired line by line with --positive-file.")
    var negativeFile: String?
    @Option(help: "caa: CAA A/B items, a JSON list of {question, answer_matching_behavior, answer_not_matching_behavior} (data/caa/generate/*/generate_dataset.json).")
    var caa: String?
    @Option(help: "spherical, iti: TruthfulQA's mc_task.json; every mc2_targets answer becomes \"Q: {question} A: {answer}\", label 1 for a true answer.")
    var truthfulqa: String?
    @Option(help: "With --truthfulqa: the questions A:B (0-based, B excluded) of the file.") var questions: String?
    @Option(help: "With --truthfulqa: the first N questions.") var limit: Int?
    @Option(help: "Blocks to keep: A-B (inclusive) or a list (default: 1 to the last block, as llama.cpp writes; austeer and iti score every block).")
    var layers: String?
    @Option(help: "mean-diff only: reduce each text to its last token (last) or its mean over tokens (mean).")
    var reduce: String?
    @Flag(help: "Wrap each text in the model's chat template as a user message (with the assistant prompt). caa always does.")
    var chat = false
    @OptionGroup var templateOptions: ChatTemplateOptions
    @Option(help: "austeer: the site whose units are scored: mlp_out, heads_concat or resid_post.") var site: String?
    @Option(help: "austeer: how many units the global top-k keeps (default 10).") var k: Int?
    @Option(help: "The method's strength written to the file: austeer alpha (default 5), iti alpha (15), spherical alpha (0.6).")
    var alpha: Float?
    @Option(help: "spherical: the gate's concentration kappa (default 20).") var kappa: Float?
    @Option(help: "spherical: the gate's threshold beta in [-1, 1) (default -0.05).") var beta: Float?
    @Flag(help: "spherical: no gate; every steered position turns by the fraction --t.") var ungated = false
    @Option(name: .customLong("t"), help: "spherical with --ungated: the fixed fraction t in [0, 1].") var fixedT: Float?
    @Option(help: "iti: how many heads to steer (default 48, at most heads x blocks).") var heads: Int?
    @Option(name: .customLong("strength-range"), parsing: .unconditional,
            help: "Record a recommended strength range LO:HI in the file (e.g. from a sweep).")
    var strengthRange: String?
    @Option(help: "The vector file to write (GGUF).") var out: String

    struct Result: Encodable {
        var out: String
        var method: String
        /// Inputs the vector came from, and what they are ("pairs", "items", "texts").
        var pairs: Int
        var input_kind: String
        var operation: String
        var site: String
        var steering_method: String
        var positions: String?
        var strength: Float?
        var blocks: [Int]
        /// Per block, in block order (JSON object keys would be strings, sorted "10" before "5").
        var direction_norms: [BlockValue]
        var mean_residual_norms: [BlockValue]
        /// austeer: the selected units; iti: the selected heads.
        var units: [SelectedUnit]?
        var heads: [SelectedHead]?
        var warnings: [String]
        var run: RunManifest
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, slots: 4, maxRows: 512, task: Task(command: self))
        if output.json { try Console.json(result) }
    }
}

/// One block's number in a JSON result, with a value: `{"block": 5, "value": 1.25}`.
struct BlockValue: Encodable, Equatable {
    var block: Int
    var value: Float

    /// The entries of `values` in numeric block order.
    static func list(_ values: [Int: Float]) -> [BlockValue] {
        values.keys.sorted().map { BlockValue(block: $0, value: values[$0]!) }
    }
}

/// An AUSteer unit in a JSON result.
struct SelectedUnit: Encodable, Equatable {
    var block: Int
    var unit: Int
    var b: Float
}

/// An ITI head in a JSON result.
struct SelectedHead: Encodable, Equatable {
    var block: Int
    var head: Int
    var validation_accuracy: Double
    var sigma: Double
}
