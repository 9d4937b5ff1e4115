import Analysis
import ArgumentParser
import Evaluation
import Foundation
import Kernels
import Llama
import Steering

extension PairRendering: ExpressibleByArgument {}

/// `veer prefutil --pairs FILE|BEHAVIOUR --steer FILE[:S] --multipliers A:B:N|LIST ...`: preference and utility
/// log-odds against the steering multiplier on polarity pairs (spec 6.2), with the rational-quadratic decay fits.
struct PrefUtilCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prefutil",
        abstract: "Preference and utility log-odds against the steering multiplier on polarity pairs (CAA A/B behaviours), with the decay fits.",
        discussion: """
            For each multiplier m the steering is scaled by m (m = 0: unsteered) and every pair's two answers are \
            scored after its question: L_p, L_n (mean token cross-entropy, or --sequence-level sums), PrefOdds = \
            L_n - L_p, UtilOdds = logit(e^-L_p + e^-L_n) with P(u) clamped to [1e-6, 1 - 1e-6]. Means over pairs \
            per m are fitted with logit P(p_p) = (a m + b) D(m) + c and UtilOdds = A D(m) + B, D the rational-quadratic \
            decay. See docs/analysis-prefutil.md.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @OptionGroup var templateOptions: ChatTemplateOptions

    @Option(help: "The pairs: a CAA behaviour name (its held-out test items, <data>/caa/test/<behaviour>/test_dataset_ab.json), a CAA A/B JSON list, or a JSONL file of {\"question\", \"positive\", \"negative\"}.")
    var pairs: String
    @Option(parsing: .unconditional, help: "The multipliers: A:B:N (N evenly spaced from A to B) or a comma list; 0 (unsteered) is always added.")
    var multipliers: String
    @Option(help: "What is scored after the question: full (the whole answer, \"(A) Agree\") or letter (after \"(\", the letter alone, as eval mc --task caa-ab; CAA pairs only).")
    var answer: PairRendering = .full
    @Flag(name: .customLong("sequence-level"), help: "L = minus the sum of the answer's token log-probabilities (default: the mean, a per-token cross-entropy).")
    var sequenceLevel = false
    @Option(help: "Score only the first N pairs of the file.") var limit: Int?
    @Option(help: "The data directory for behaviour names (default: $VEER_DATA, else the repository's data/).") var data: String?
    @Option(help: "KV-cache slots: how many answers run in one batch (default: as many as fit in 1 GiB of cache, at most 64).")
    var slots: Int?
    @Flag(name: .customLong("per-pair"), help: "With --json: also list every pair's losses and odds at every multiplier.")
    var perPair = false
    @OptionGroup var reportOptions: ReportOptions

    var loss: AnswerLoss { sequenceLevel ? .sequence : .meanToken }

    /// --multipliers: the sweep's grid syntax (0 always added).
    func grid() throws -> AlphaGrid {
        do { return try AlphaGrid(parsing: multipliers, option: "--multipliers") } catch { throw ValidationError("\(error)") }
    }

    func validate() throws {
        guard steering.isActive else {
            throw ValidationError("prefutil needs --steer FILE[:S]: it scales that steering by each multiplier")
        }
        _ = try grid()
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): expected a whole number >= 1") }
        if let slots, slots < 1 { throw ValidationError("--slots \(slots): expected a whole number >= 1") }
        if perPair, !output.json { throw ValidationError("--per-pair adds rows to the --json document; give --json too") }
    }

    func run() throws {
        let started = Date()
        try reportOptions.checkWritable()
        let values = try grid().values
        let directory = MCDataDirectory.resolve(option: data)
        let file = try PolarityPairFile.resolve(pairs, dataDirectory: directory)
        let all = try PolarityPairFile.load(file)
        if file.lastPathComponent == "generate_dataset.json" {
            Console.note("warning: \(file.path) holds the items CAA vectors are extracted from; the held-out items are test/<behaviour>/test_dataset_ab.json (--pairs <behaviour>)")
        }
        if let limit, limit > all.count {
            throw ValidationError("--limit \(limit): \(file.path) has \(all.count) pairs")
        }
        let selected = Array(all.prefix(limit ?? all.count))
        let document = try PrefUtilRunner(command: self, file: file, pairsInFile: all.count, pairs: selected,
                                          multipliers: values, started: started).run()
        if output.json { try Console.json(document) } else { PrefUtilReport.printTable(document) }
        try reportOptions.write(PrefUtilReport.html(document, command: CommandLine.arguments))
    }
}
