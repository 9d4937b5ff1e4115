import ArgumentParser

/// `veer bench`: validated benchmarks. Each subcommand checks results against the plain reference before timing.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Validate, then time, Veer's kernels.",
        subcommands: [BenchKernelsCommand.self])
}
