import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

/// `veer bench steering`: what each steering method costs per decoded token (`SteeringOverhead`): the median ms per
/// token and the ratio to unsteered measured in the same run.
struct BenchSteeringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steering", abstract: "Time decode unsteered and with each steering method on one block and on every block.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Tokens decoded per measurement.") var tokens = 32
    @Option(help: "Rounds (each runs every configuration once); the median is reported.") var rounds = 5

    struct Result: Encodable { var tokens: Int; var rounds: Int; var rows: [SteeringOverhead.Row]; var run: RunManifest }

    func validate() throws {
        guard tokens >= 2 else { throw ValidationError("--tokens must be at least 2") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    struct Task: ModelTask {
        var command: BenchSteeringCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let prompt = s.tokenizer.encode("The weather today is", parseSpecial: true, addBOS: s.addBOS).ids
            let rows = try SteeringOverhead.measure(model: s.model, prompt: prompt, tokens: command.tokens, rounds: command.rounds)
            return Result(tokens: command.tokens, rounds: command.rounds, rows: rows, run: s.manifest)
        }
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, maxRows: 64, maxLogitRows: 1, task: Task(command: self))
        if output.json { try Console.json(result); return }
        Console.output("decode, \(result.tokens) tokens, median of \(result.rounds) rounds on \(result.run.device)")
        for row in result.rows {
            let name = row.configuration.padding(toLength: 26, withPad: " ", startingAt: 0)
            Console.output(name + String(format: " %8.3f ms/token  x%.3f  %+.3f ms", row.median_ms_per_token,
                                         row.ratio_to_unsteered, row.extra_ms_per_token))
        }
    }
}
