import Analysis
import ArgumentParser
import Evaluation
import Foundation

/// Everything a search run needs before the model loads: the plan, the data, the stage's validation slice, and
/// what an earlier stage chose (--from, --layer).
struct SweepSearchSetup {
    var command: SweepSearchCommand
    var plan: SearchPlan
    var data: MCTaskData
    var shard: EvalShard?
    /// The validation questions this run scores (its shard's slice).
    var validationQuestions: [Int]
    /// --stage strengths: each method's layer.
    var chosenLayers: [SearchMethod: Int] = [:]
    /// --stage final: each method's winning row.
    var chosenRows: [SearchMethod: SearchRow] = [:]

    init(command: SweepSearchCommand, plan: SearchPlan, data: MCTaskData) throws {
        self.command = command; self.plan = plan; self.data = data
        shard = try command.shard.map(EvalShard.init(parsing:))
        validationQuestions = shard.map { plan.split.validation(shard: $0.index, of: $0.count) } ?? Array(plan.split.validation)
        guard !validationQuestions.isEmpty else {
            throw ValidationError("--shard \(command.shard!): no validation question falls in this slice")
        }
        switch command.stage {
        case .strengths:
            if let from = command.from {
                let layers = try Self.read(from, stage: "layers", plan: plan).best
                for method in plan.methods {
                    guard let row = layers.first(where: { $0.candidate.method == method }) else {
                        throw InvalidInput("\(from): its layers stage has no result for \(method.rawValue)")
                    }
                    chosenLayers[method] = row.candidate.layer
                }
            } else {
                chosenLayers = try command.parsedLayers()
                if let missing = plan.methods.first(where: { chosenLayers[$0] == nil }) {
                    throw ValidationError("--layer: give a layer for every method of --methods; \(missing.rawValue) has none")
                }
            }
        case .final:
            let from = command.from!
            let best = try Self.read(from, stage: "strengths", plan: plan).best
            for method in plan.methods {
                guard let row = best.first(where: { $0.candidate.method == method }) else {
                    throw InvalidInput("\(from): its strengths stage has no result for \(method.rawValue)")
                }
                chosenRows[method] = row
            }
        case .all, .layers: break
        }
    }

    /// The complete stage `stage` of a search document, checked to come from the same split.
    static func read(_ path: String, stage: String, plan: SearchPlan) throws -> SweepSearchDocument.StageRecord {
        let document = try SweepSearchMerge.read(path).document
        guard document.plan.split == plan.split else {
            throw InvalidInput("\(path): its questions split differently (validation \(document.plan.split.validation), this run \(plan.split.validation)); give the same --validation")
        }
        guard document.plan.shard == nil else {
            throw InvalidInput("\(path) is shard \(document.plan.shard!) of a stage; --merge the shards first")
        }
        guard let record = document.completeStage(stage) else {
            throw InvalidInput("\(path): has no \(stage) stage (it has \(document.stages.map(\.name).joined(separator: ", ")))")
        }
        return record
    }

    var budget: SearchBudget {
        plan.budget(validationQuestions: validationQuestions.count, strengthsAlone: command.stage == .strengths)
    }

    /// The stages this run runs, as budget entries.
    var runStages: [SearchBudget.Stage] {
        let b = budget
        switch command.stage {
        case .all: return [b.layers, b.strengths, b.final]
        case .layers: return [b.layers]
        case .strengths: return [b.strengths]
        case .final: return [b.final]
        }
    }

    func planRecord(perPair: Double) -> SweepSearchDocument.PlanRecord {
        let estimate = budget.seconds(runStages, perPair: perPair, perExtractionQuestion: SweepSearchCost.perExtractionQuestion)
        return SweepSearchDocument.PlanRecord(
            task: data.task.rawValue, data_sha256: data.sha256, methods: plan.methods.map(\.rawValue), layers: plan.layers,
            strengths: Dictionary(uniqueKeysWithValues: plan.strengths.map { ($0.key.rawValue, $0.value) }), betas: plan.betas,
            kappa: SearchMethod.kappa, split: plan.split, validation_questions: validationQuestions.count,
            shard: shard?.description, budget: budget, cost_per_pair_seconds: perPair,
            cost_per_extraction_question_seconds: SweepSearchCost.perExtractionQuestion, estimate_seconds: estimate)
    }
}
