import Analysis
import Foundation

/// The search's text output: the plan with its budget, and a table per stage.
enum SweepSearchReport {
    static func budgetText(plan: SearchPlan, budget: SearchBudget, validationQuestions: Int, stage: SweepSearchCommand.Stage,
                           perPair: Double, perExtractionQuestion: Double) -> String {
        let s = plan.split
        func range(_ r: Range<Int>) -> String { "\(r.lowerBound)..<\(r.upperBound) (\(r.count))" }
        func line(_ name: String, _ b: SearchBudget.Stage) -> String {
            let seconds = budget.seconds([b], perPair: perPair, perExtractionQuestion: perExtractionQuestion)
            return "  \(name): \(b.extractions) extractions (\(b.extractionQuestions) questions read), \(b.configurations) configurations, \(b.scoredPairs) scored question×configuration pairs, ~\(Int(seconds.rounded())) s"
        }
        var lines = [
            "search plan: methods \(plan.methods.map(\.rawValue).joined(separator: ",")), layers \(plan.layers.map(String.init).joined(separator: ","))",
            "  questions: training fold \(range(s.trainingFold)) = extraction \(range(s.extraction)) + validation \(range(s.validation)); held-out fold \(range(s.heldOutFold)) is never read",
            "  stage 2 grids: " + plan.methods.map { m in
                "\(m.rawValue) \(m.strengthName) \(plan.strengths[m]!.map(SearchCandidate.format).joined(separator: ","))"
                    + (m == .spherical ? " × beta \(plan.betas.map(SearchCandidate.format).joined(separator: ",")) (kappa 20)" : "")
            }.joined(separator: "; "),
            "budget (\(stage.rawValue); \(validationQuestions) validation questions scored here; \(perPair) s per pair, \(perExtractionQuestion) s per extraction question, 2-core CPU):",
        ]
        if stage == .all || stage == .layers { lines.append(line("stage 1 layers", budget.layers)) }
        if stage == .all || stage == .strengths { lines.append(line("stage 2 strengths", budget.strengths)) }
        if stage == .all || stage == .final { lines.append(line("final re-extraction", budget.final)) }
        lines.append("  afterwards, the held-out score (veer eval mc --fold 1/2 --configs): \(budget.heldOutPairs) pairs, ~\(Int((Double(budget.heldOutPairs) * perPair).rounded())) s")
        return lines.joined(separator: "\n")
    }

    static func number(_ x: Double) -> String { String(format: "%.4f", x) }

    static func stageText(_ record: SweepSearchDocument.StageRecord) -> String {
        var lines = ["stage \(record.name): \(record.rows.first?.items ?? 0) validation questions, \(Int(record.wall_seconds.rounded())) s",
                     "  unsteered: MC1 \(number(record.unsteered["mc1"] ?? 0)), MC2 \(number(record.unsteered["mc2"] ?? 0))",
                     "  configuration                               MC1     MC2     degenerate"]
        for row in record.rows {
            let mark = record.best.contains(row) ? "  *" : ""
            lines.append("  " + row.candidate.name.padding(toLength: 42, withPad: " ", startingAt: 0)
                         + "  \(number(row.mc1))  \(number(row.mc2))  \(row.degenerateItems)\(mark)")
        }
        lines.append("  best (*): " + record.best.map(\.candidate.name).joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    static func text(_ document: SweepSearchDocument) -> String {
        var lines = document.stages.map(stageText)
        if let chosen = document.chosen {
            lines.append("chosen (re-extracted on the training fold):")
            lines += chosen.map { "  \($0.config): \($0.vector) (validation MC1 \(number($0.validation_mc1)), MC2 \(number($0.validation_mc2)))" }
        }
        if let file = document.configs_file { lines.append("configs: \(file)") }
        if let next = document.next { lines.append("next: \(next)") }
        lines.append("wall time: \(Int(document.wall_seconds.rounded())) s")
        return lines.joined(separator: "\n")
    }
}
