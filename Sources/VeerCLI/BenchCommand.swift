import ArgumentParser

/// `veer bench`: validated benchmarks. Each subcommand checks results against the plain reference before timing.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time generation end to end; validate, then time, the kernels; time steering's cost per token.",
        subcommands: [BenchKernelsCommand.self, BenchSteeringCommand.self, BenchGenerateCommand.self])
}
