import ArgumentParser

/// `veer eval mc ...` and `veer eval merge ...`: multiple-choice evaluation on pinned protocols (docs/evaluation.md).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model, steered or not, on multiple-choice tasks with pinned protocols.",
        subcommands: [EvalMCCommand.self, EvalMergeCommand.self])
}
