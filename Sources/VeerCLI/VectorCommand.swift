import ArgumentParser
import Steering

/// `veer vector info|scale|add|normalize|convert`: inspect and edit steering-vector files (llama.cpp control-vector
/// GGUF, repeng's, Veer's; docs/vector-format.md). Edited vectors are written as Veer files.
struct VectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector", abstract: "Inspect, combine and convert steering-vector files.",
        subcommands: [VectorInfoCommand.self, VectorScaleCommand.self, VectorAddCommand.self,
                      VectorNormalizeCommand.self, VectorConvertCommand.self])
}

/// Where every editing subcommand writes its result: the output path on stdout, the writer's warnings on stderr.
struct VectorOutputOptions: ParsableArguments {
    @Option(name: .customLong("out"), help: "Path of the vector file to write (replaced if it exists).") var out: String

    func write(_ vector: SteeringVector) throws {
        for warning in try vector.write(to: out) { Console.note("warning: \(warning)") }
        Console.output(out)
    }
}
