import Analysis
import ArgumentParser
import Evaluation
import Foundation
import Llama
import Steering

extension MCTaskName: ExpressibleByArgument {}

/// `veer eval mc --task T [--steer FILE[:S] ...] [--configs FILE] [--two-fold METHOD] [--limit N] [--shard i/n] ...`:
/// scores every option of every item under the task's pinned protocol and reports the task's metrics, for one or
/// several steering configurations, with per-item scores.
struct EvalMCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mc",
        abstract: "Multiple-choice accuracy (TruthfulQA MC1/MC2/MC3, COPA, ARC, HellaSwag, BoolQ, Winogrande, CAA A/B), steered or not.",
        discussion: """
            Tasks: \(MCTaskName.allCases.map(\.rawValue).joined(separator: ", ")). Protocols: docs/evaluation.md. \
            Each item's prompt runs once; its options run as one batch across KV-cache slots from the last prompt \
            token, scored on the device. Steering (--steer, or per configuration in --configs) applies from:prompt-end \
            by default, from:answer-start for ITI files, unless the files or --positions say otherwise.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @OptionGroup var templateOptions: ChatTemplateOptions

    @Option(help: "The task: \(MCTaskName.allCases.map(\.rawValue).joined(separator: ", ")).") var task: MCTaskName
    @Option(help: "Score only the first N items of the file.") var limit: Int?
    @Option(help: "Score the deterministic slice i/n (0-based i): items k with k mod n == i; join slices with `veer eval merge`.")
    var shard: String?
    @Option(help: "Score only fold k of n (0-based) of scikit-learn's KFold(n, shuffle=False) over the items (after --limit, before --shard): consecutive folds, the first ones one item larger; 1/2 is the second half, the two-fold protocol's held-out fold.")
    var fold: String?
    @Option(help: "The data directory (default: $VEER_DATA, else the repository's data/).") var data: String?
    @Option(help: "Also write a report: Markdown (.md) or HTML (.html).") var report: String?
    @Option(help: "Several configurations in one run: a JSON list of {\"name\", \"steer\": [FILE[:S]], \"layers\", \"positions\", \"cache_mode\"} (no \"steer\": unsteered).")
    var configs: String?
    @Option(name: .customLong("two-fold"),
            help: "truthfulqa-mc: extract a vector with this `veer extract` method on each half of the questions and score the other half with it (question-level 2-fold), beside the unsteered model.")
    var twoFold: ExtractCommand.Method?
    @Option(name: .customLong("extract-args"), parsing: .unconditional,
            help: "--two-fold: more `veer extract` options, as one string (e.g. \"--layers 10-14 --alpha 0.3\").")
    var extractArgs: String?
    @Option(name: .customLong("vectors-out"), help: "--two-fold: the directory the two vectors are written to (default: the current directory).")
    var vectorsOut: String?
    @Option(parsing: .unconditional,
            help: "With --steer: one configuration per strength multiplier of this grid (A:B:N, N values from A to B, or a comma list; 0, the unsteered model, is always added); the report charts each metric against alpha.")
    var alphas: String?
    @Option(help: "KV-cache slots: how many options run in one batch (default: as many as fit in 1 GiB of cache, at most 64).")
    var slots: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): expected a whole number >= 1") }
        if let slots, slots < 1 { throw ValidationError("--slots \(slots): expected a whole number >= 1") }
        if let shard { _ = try EvalShard(parsing: shard) }
        if let fold { _ = try Self.foldChoice(fold) }
        if alphas != nil {
            _ = try alphaGrid()
            guard steering.isActive, configs == nil, twoFold == nil else {
                throw ValidationError("--alphas scales the --steer vectors: give it with --steer, without --configs or --two-fold")
            }
        }
        if configs != nil, steering.isActive {
            throw ValidationError("give --steer or --configs, not both (a configuration lists its own \"steer\")")
        }
        if twoFold != nil {
            guard task == .truthfulqaMC else { throw ValidationError("--two-fold splits TruthfulQA questions; it needs --task truthfulqa-mc") }
            if configs != nil || steering.isActive {
                throw ValidationError("--two-fold makes its own vectors; give it without --steer or --configs")
            }
            if shard != nil { throw ValidationError("--two-fold splits the scored questions itself; give it without --shard") }
            if fold != nil { throw ValidationError("--two-fold scores both folds itself; give it without --fold") }
        } else if extractArgs != nil || vectorsOut != nil {
            throw ValidationError("--extract-args and --vectors-out go with --two-fold METHOD")
        }
    }

    /// The strength grid of --alphas.
    func alphaGrid() throws -> AlphaGrid? {
        guard let alphas else { return nil }
        do { return try AlphaGrid(parsing: alphas, option: "--alphas") } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let started = Date()
        if let report { try EvalReport.checkWritable(report) }
        let directory = try MCDataDirectory.resolve(option: data, environment: ProcessInfo.processInfo.environment)
        let taskData = try MCTaskData.load(task, dataDirectory: directory)
        let items = try selectedItems(taskData.items)
        let configurations = try EvalConfiguration.list(command: self)
        var document = try EvalRunner(command: self, data: taskData, items: items, configurations: configurations,
                                      started: started).run()
        document.alphas = configurations.compactMap(\.alpha).count == configurations.count ? configurations.map { $0.alpha! } : nil
        if let report { try EvalReport.write(document, to: report) }
        if output.json { try Console.json(document) } else { EvalReport.printSummary(document) }
    }

    /// --limit, then --fold, then --shard, over the file's items in order.
    func selectedItems(_ all: [MCItem]) throws -> [MCItem] {
        var items = all
        if let limit {
            guard limit <= all.count else {
                throw ValidationError("--limit \(limit): the \(task.rawValue) data has \(all.count) items")
            }
            items = Array(all.prefix(limit))
        }
        if let fold {
            let choice = try Self.foldChoice(fold)
            guard items.count >= choice.count else {
                throw ValidationError("--fold \(fold): \(items.count) items cannot be split into \(choice.count) folds")
            }
            items = Array(items[KFoldSplit.ranges(count: items.count, folds: choice.count)[choice.index]])
        }
        if let shard {
            let s = try EvalShard(parsing: shard)
            items = items.filter { $0.index % s.count == s.index }
            guard !items.isEmpty else { throw ValidationError("--shard \(shard): no item falls in this slice") }
        }
        return items
    }
}

extension EvalMCCommand {
    /// `--fold k/n`, with the parse error as a validation error.
    static func foldChoice(_ text: String) throws -> FoldChoice {
        do { return try FoldChoice(parsing: text) } catch { throw ValidationError("\(error)") }
    }
}

/// `--shard i/n`: the slice of items k with k mod n == i (i 0-based, as Kubernetes' $JOB_COMPLETION_INDEX).
struct EvalShard: Equatable {
    var index: Int
    var count: Int

    init(index: Int, count: Int) { self.index = index; self.count = count }

    init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw ValidationError("--shard \(text): expected i/n with 0 <= i < n (0-based), e.g. 0/4")
        }
        index = i; count = n
    }

    var description: String { "\(index)/\(count)" }
}
