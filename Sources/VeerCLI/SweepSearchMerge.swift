import Analysis
import Evaluation
import Foundation

/// Reading search documents, turning a stage's evaluation into its table, and joining the shards of a stage.
enum SweepSearchMerge {
    static func read(_ path: String) throws -> (path: String, document: SweepSearchDocument) {
        (path, try EvalMergeCommand.readDocument(path, as: SweepSearchDocument.self, producedBy: "veer sweep search --json"))
    }

    /// A stage's table from its evaluation: configuration 0 is the unsteered model, then one per candidate in order.
    static func stageRecord(_ name: String, candidates: [SearchCandidate], evaluation: EvalDocument, keepEvaluation: Bool,
                            wallSeconds: Double) -> SweepSearchDocument.StageRecord {
        let items = evaluation.protocol.items
        let rows = zip(candidates, evaluation.configs.dropFirst()).map { candidate, config in
            SearchRow(candidate: candidate, mc1: config.metrics["mc1"] ?? 0, mc2: config.metrics["mc2"] ?? 0,
                      mc3: config.metrics["mc3"] ?? 0, items: items, degenerateItems: config.degenerate_items)
        }
        let winners = SearchSelection.best(rows)
        var methods: [SearchMethod] = []
        for row in rows where !methods.contains(row.candidate.method) { methods.append(row.candidate.method) }
        return .init(name: name, unsteered: evaluation.configs[0].metrics, rows: rows, best: methods.map { winners[$0]! },
                     wall_seconds: wallSeconds, evaluation: keepEvaluation ? evaluation : nil)
    }

    /// Joins the shard documents of one stage: the same plan, every slice once (checked with `veer eval merge`'s
    /// rules on their evaluations), the metrics recomputed over all validation questions and the winners picked.
    static func merge(_ shards: [(path: String, document: SweepSearchDocument)], started: Date) throws -> SweepSearchDocument {
        let (firstPath, first) = shards[0]
        guard first.stages.count == 1, let stageName = first.stages.first?.name else {
            throw InvalidInput("\(firstPath): not a shard of one stage (run with --stage layers or strengths and --shard i/n)")
        }
        var evaluations: [(path: String, document: EvalDocument)] = []
        for (path, document) in shards {
            var mine = document.plan, theirs = first.plan
            mine.shard = nil; theirs.shard = nil; mine.validation_questions = 0; theirs.validation_questions = 0
            mine.budget = theirs.budget; mine.estimate_seconds = 0; theirs.estimate_seconds = 0
            guard mine == theirs, document.stage == first.stage else {
                throw InvalidInput("\(path) and \(firstPath) are not shards of one search stage: their plans differ (stage, methods, layers, grids or split)")
            }
            guard document.stages.count == 1, let stage = document.stages.first, stage.name == stageName,
                  stage.rows.map(\.candidate) == first.stages[0].rows.map(\.candidate) else {
                throw InvalidInput("\(path) and \(firstPath) are not shards of one search stage: their candidates differ")
            }
            guard let evaluation = stage.evaluation else {
                throw InvalidInput("\(path): not a --shard result (its stage has no evaluation to merge)")
            }
            evaluations.append((path, evaluation))
        }
        let merged = try EvalMergeCommand.merge(evaluations)
        let record = stageRecord(stageName, candidates: first.stages[0].rows.map(\.candidate), evaluation: merged,
                                 keepEvaluation: false, wallSeconds: shards.map { $0.document.stages[0].wall_seconds }.reduce(0, +))
        var plan = first.plan
        plan.shard = nil
        plan.validation_questions = merged.protocol.items
        let methods = plan.methods.joined(separator: ","), validation = plan.split.validation.count
        let next = stageName == "layers"
            ? "veer sweep search --stage strengths --from THIS.json --methods \(methods) --validation \(validation)"
            : "veer sweep search --stage final --from THIS.json --methods \(methods) --validation \(validation) --out DIR"
        return SweepSearchDocument(stage: first.stage, plan: plan, stages: [record],
                                   extractions: shards.flatMap(\.document.extractions), chosen: nil, configs_file: nil, next: next,
                                   run: first.run, wall_seconds: Date().timeIntervalSince(started))
    }
}
