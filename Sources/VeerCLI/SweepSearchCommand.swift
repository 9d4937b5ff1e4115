import Analysis
import ArgumentParser
import Evaluation
import Foundation
import Llama
import Steering

/// `veer sweep search`: the layer and hyperparameter search of issue 12 (docs/analysis-search.md). TruthfulQA's
/// training fold (fold 0 of the two-fold split) is divided into extraction and validation questions; stage 1 scores
/// each method at every layer of a coarse grid with its defaults, stage 2 a strength (and gate) grid at each method's
/// best layer, and the final stage re-extracts the winners on the whole training fold into `--out DIR` with a
/// `configs.json` for `veer eval mc --fold 1/2 --configs`. Fold 1 is never read.
struct SweepSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search each steering method's layer, then its strength, on TruthfulQA's training fold (held-out fold 1 untouched).",
        discussion: """
            Stages: layers (every method at every --layers block, its default strength), strengths (its grid at the \
            best layer), final (re-extract the winners on the whole training fold into --out DIR with configs.json). \
            --stage all runs the three in one process. Sharded: --stage layers --shard i/n on each machine, then \
            --merge the --json results; --stage strengths --from MERGED.json --shard i/n, --merge again; then \
            --stage final --from MERGED.json --out DIR. The compute budget is printed before anything runs \
            (--dry-run prints only that). Protocol: docs/analysis-search.md.
            """)

    enum Stage: String, ExpressibleByArgument, CaseIterable { case all, layers, strengths, final }

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Methods to tune, comma-separated: \(SearchMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var methods: String = "caa,iti,spherical,austeer"
    @Option(help: "Stage 1's blocks: a list 4,8,12 or a range A-B (default: every 4th block from 4).")
    var layers: String?
    @Option(help: "Validation questions: the last N of the training fold (default 200); the rest of the fold is for extraction.")
    var validation: Int = 200
    @Option(help: "A method's stage-2 strengths, METHOD=a,b,c (repeatable), e.g. caa=0.5,1,2. Defaults: docs/analysis-search.md.")
    var strengths: [String] = []
    @Option(parsing: .unconditional, help: "Spherical's stage-2 gate thresholds beta, comma-separated (default -0.4,-0.05,0.4; kappa is 20).")
    var betas: String?
    @Option(help: "Which stage to run: \(Stage.allCases.map(\.rawValue).joined(separator: ", ")).") var stage: Stage = .all
    @Option(help: "--stage strengths: the layers chosen by a merged layers result; --stage final: the configurations chosen by a merged strengths result.")
    var from: String?
    @Option(help: "--stage strengths: a method's layer, METHOD=L (repeatable), instead of --from.") var layer: [String] = []
    @Option(help: "Score the validation questions k with k mod n == i (0-based i) of --stage layers or strengths; join with --merge.")
    var shard: String?
    @Option(parsing: .upToNextOption, help: "Join the --json results of the shards of one stage and pick the winners.")
    var merge: [String] = []
    @Option(help: "--stage all or final: the directory for the chosen vectors and configs.json.") var out: String?
    @Flag(name: .customLong("dry-run"), help: "Print the plan and its compute budget only.") var dryRun = false
    @Option(help: "The data directory (default: $VEER_DATA, else the repository's data/).") var data: String?
    @Option(help: "KV-cache slots for scoring (default: as many as fit in 1 GiB, at most 64).") var slots: Int?

    func validate() throws {
        if !merge.isEmpty {
            guard stage == .all, from == nil, layer.isEmpty, shard == nil, out == nil, !dryRun else {
                throw ValidationError("--merge joins finished shard results; give it with --json only")
            }
            return
        }
        do { _ = try SearchMethod.parseList(methods) } catch { throw ValidationError("\(error)") }
        if validation < 1 { throw ValidationError("--validation \(validation): expected a whole number of questions >= 1") }
        if let slots, slots < 1 { throw ValidationError("--slots \(slots): expected a whole number >= 1") }
        _ = try parsedStrengths()
        _ = try parsedBetas()
        if let shard {
            _ = try EvalShard(parsing: shard)
            guard stage == .layers || stage == .strengths else {
                throw ValidationError("--shard slices the validation questions of --stage layers or --stage strengths; the other stages run whole")
            }
        }
        switch stage {
        case .all:
            if from != nil || !layer.isEmpty { throw ValidationError("--from and --layer go with --stage strengths or final") }
            if out == nil && !dryRun { throw ValidationError("--stage all writes the chosen vectors and configs.json: give --out DIR") }
        case .layers:
            if from != nil || !layer.isEmpty { throw ValidationError("--stage layers searches the layers itself: drop --from and --layer") }
            if out != nil { throw ValidationError("--stage layers writes no vectors: drop --out (the final stage takes it)") }
        case .strengths:
            guard (from != nil) != !layer.isEmpty else {
                throw ValidationError("--stage strengths needs each method's layer: --from MERGED-LAYERS.json or --layer METHOD=L, one of them")
            }
            if out != nil { throw ValidationError("--stage strengths writes no vectors: drop --out (the final stage takes it)") }
            _ = try parsedLayers()
        case .final:
            guard from != nil else { throw ValidationError("--stage final needs --from MERGED-STRENGTHS.json (the chosen configurations)") }
            if !layer.isEmpty { throw ValidationError("--stage final takes the chosen configurations from --from; drop --layer") }
            if out == nil && !dryRun { throw ValidationError("--stage final writes the chosen vectors and configs.json: give --out DIR") }
        }
    }

    /// --strengths METHOD=a,b,c, by method.
    func parsedStrengths() throws -> [SearchMethod: [Float]] {
        var grids: [SearchMethod: [Float]] = [:]
        for text in strengths {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let method = SearchMethod(rawValue: parts[0]) else {
                throw ValidationError("--strengths \(text): expected METHOD=a,b,c with METHOD one of \(SearchMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { Float($0) }
            guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else {
                throw ValidationError("--strengths \(text): expected finite numbers separated by commas")
            }
            guard grids[method] == nil else { throw ValidationError("--strengths: \(method.rawValue) is given twice") }
            grids[method] = values.map { $0! }
        }
        return grids
    }

    func parsedBetas() throws -> [Float]? {
        guard let betas else { return nil }
        let values = betas.split(separator: ",", omittingEmptySubsequences: false).map { Float($0) }
        guard values.allSatisfy({ $0 != nil && $0! >= -1 && $0! < 1 }) else {
            throw ValidationError("--betas \(betas): expected numbers in [-1, 1) separated by commas")
        }
        return values.map { $0! }
    }

    /// --layer METHOD=L, by method.
    func parsedLayers() throws -> [SearchMethod: Int] {
        var chosen: [SearchMethod: Int] = [:]
        for text in layer {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let method = SearchMethod(rawValue: parts[0]), let block = Int(parts[1]), block >= 0 else {
                throw ValidationError("--layer \(text): expected METHOD=L with a block L >= 0, e.g. caa=12")
            }
            chosen[method] = block
        }
        return chosen
    }

    func run() throws {
        let started = Date()
        if !merge.isEmpty {
            let document = try SweepSearchMerge.merge(try merge.map(SweepSearchMerge.read), started: started)
            return try emit(document)
        }
        let directory = try MCDataDirectory.resolve(option: data, environment: ProcessInfo.processInfo.environment)
        let taskData = try MCTaskData.load(.truthfulqaMC, dataDirectory: directory)
        let opened = try modelOptions.location.open()
        let config = try LlamaConfig(from: opened.file)
        let plan = try makePlan(questions: taskData.items.count, blocks: config.layers)
        let setup = try SweepSearchSetup(command: self, plan: plan, data: taskData)
        let budget = setup.budget
        Console.note(SweepSearchReport.budgetText(plan: plan, budget: budget, validationQuestions: setup.validationQuestions.count,
                                                  stage: stage, perPair: SweepSearchCost.perPair, perExtractionQuestion: SweepSearchCost.perExtractionQuestion))
        if dryRun {
            let document = SweepSearchDocument(stage: "plan", plan: setup.planRecord(perPair: SweepSearchCost.perPair),
                                               stages: [], extractions: [], chosen: nil, configs_file: nil, next: nil, run: nil,
                                               wall_seconds: Date().timeIntervalSince(started))
            if output.json { try Console.json(document) } else {
                Console.output(SweepSearchReport.budgetText(plan: plan, budget: budget, validationQuestions: setup.validationQuestions.count,
                                                            stage: stage, perPair: SweepSearchCost.perPair, perExtractionQuestion: SweepSearchCost.perExtractionQuestion))
            }
            return
        }
        let document = try SweepSearchRunner(setup: setup, started: started).run(opened: opened)
        try emit(document)
    }

    func emit(_ document: SweepSearchDocument) throws {
        if output.json { try Console.json(document) } else { Console.output(SweepSearchReport.text(document)) }
    }

    /// The plan from the options and the model's block count; a block the model lacks is an error naming it.
    func makePlan(questions: Int, blocks: Int) throws -> SearchPlan {
        let grid: [Int]
        if let layers {
            let selection: LayerSelectionParse
            do { selection = try LayerSelectionParse(text: layers, blocks: blocks) } catch { throw ValidationError("\(error)") }
            grid = selection.blocks
        } else {
            grid = Array(stride(from: 4, to: blocks, by: 4))
        }
        let chosen = try parsedLayers()
        if let bad = chosen.first(where: { $0.value >= blocks }) {
            throw ValidationError("--layer \(bad.key.rawValue)=\(bad.value): the model has blocks 0 to \(blocks - 1)")
        }
        do {
            let split = try SearchSplit(questions: questions, validation: validation)
            return try SearchPlan(methods: try SearchMethod.parseList(methods), layers: grid, strengths: try parsedStrengths(),
                                  betas: try parsedBetas(), split: split)
        } catch let error as SearchError { throw ValidationError(error.description) }
    }
}

/// `--layers` as a list of blocks the model has.
struct LayerSelectionParse {
    var blocks: [Int]

    init(text: String, blocks count: Int) throws {
        let selection: LayerSelection
        do {
            selection = try LayerSelection(parsing: text)
            try selection.validate(blockCount: count)
        } catch { throw SearchError("\(error)") }
        blocks = (0..<count).filter(selection.contains)
        guard !blocks.isEmpty else { throw SearchError("--layers \(text): selects no block of the model's \(count)") }
    }
}
