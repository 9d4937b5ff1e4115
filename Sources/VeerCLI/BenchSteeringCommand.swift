import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

/// `veer bench steering`: what each steering method costs per decoded token. Decodes the same prompt unsteered,
/// then with each method (`BenchSteeringMethod`) on one block and on every block (positions `all`), in rounds that
/// alternate the configurations, and reports the median ms per token and the ratio to unsteered measured in the same
/// run. The edits have a small effect, so every configuration decodes text of the same kind, and with
/// end-of-generation ignored each decodes the same number of tokens.
struct BenchSteeringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steering", abstract: "Time decode unsteered and with each steering method on one block and on every block.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Tokens decoded per measurement.") var tokens = 32
    @Option(help: "Rounds (each runs every configuration once); the median is reported.") var rounds = 5

    struct Row: Encodable {
        /// "unsteered" or the method's name.
        var method: String
        var configuration: String
        var steered_blocks: Int
        var median_ms_per_token: Double
        var ratio_to_unsteered: Double
        var extra_ms_per_token: Double
    }
    struct Result: Encodable { var tokens: Int; var rounds: Int; var rows: [Row]; var run: RunManifest }

    func validate() throws {
        guard tokens >= 2 else { throw ValidationError("--tokens must be at least 2") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    struct Task: ModelTask {
        var command: BenchSteeringCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = s.model.config
            let prompt = s.tokenizer.encode("The weather today is", parseSpecial: true, addBOS: s.addBOS).ids
            let span = SequenceSpan(promptLength: prompt.count)
            let middle = c.layers / 2
            var random = SplitMix64(seed: "veer bench steering")
            var configurations: [(method: String, name: String, blocks: Int, steering: ForwardSteering<B.Buffer>?)] = [
                ("unsteered", "unsteered", 0, nil),
            ]
            for method in BenchSteeringMethod.allCases {
                for blocks in [[middle], Array(0..<c.layers)] {
                    var edits: [SiteKey: SiteEdit] = [:]
                    for block in blocks { edits.merge(method.edits(block: block, config: c, random: &random)) { $1 } }
                    let steering = try BatchSteering(model: s.model, sequences: [SequenceSteering(edits: edits, span: span)])
                    let name = blocks.count == 1 ? "\(method.rawValue), block \(middle)" : "\(method.rawValue), all \(c.layers) blocks"
                    configurations.append((method.rawValue, name, blocks.count, steering.forward))
                }
            }
            let generator = try Generator(model: s.model)
            var samples = [[Double]](repeating: [], count: configurations.count)
            for round in 0...command.rounds {   // round 0 warms up
                for (i, configuration) in configurations.enumerated() {
                    let result = try generator.generate(prompt: prompt, maxTokens: command.tokens,
                                                        sampling: SamplerSettings(temperature: 0), stopTokens: [],
                                                        ignoreEOS: true, steering: configuration.steering)
                    if round > 0 { samples[i].append(1000 * result.decodeSeconds / Double(result.tokens.count - 1)) }
                }
            }
            let medians = samples.map { $0.sorted()[$0.count / 2] }
            let rows = configurations.indices.map { i in
                Row(method: configurations[i].method, configuration: configurations[i].name, steered_blocks: configurations[i].blocks,
                    median_ms_per_token: medians[i], ratio_to_unsteered: medians[i] / medians[0],
                    extra_ms_per_token: medians[i] - medians[0])
            }
            return Result(tokens: command.tokens, rounds: command.rounds, rows: rows, run: s.manifest)
        }
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, maxRows: 64, task: Task(command: self))
        if output.json { try Console.json(result); return }
        Console.output("decode, \(result.tokens) tokens, median of \(result.rounds) rounds on \(result.run.device)")
        for row in result.rows {
            let name = row.configuration.padding(toLength: 26, withPad: " ", startingAt: 0)
            Console.output(name + String(format: " %8.3f ms/token  x%.3f  %+.3f ms", row.median_ms_per_token,
                                         row.ratio_to_unsteered, row.extra_ms_per_token))
        }
    }
}
