import KernelCases
import Kernels
import Llama
import Steering

/// What each steering method costs per decoded token, measured in one run: the same prompt decoded unsteered and with
/// each method (`BenchSteeringMethod`) on one block and on every block (positions `all`), in rounds that alternate
/// the configurations (round 0 warms up), median ms per token. The edits have a small effect, so every configuration
/// decodes text of the same kind, and with end-of-generation ignored each decodes the same number of tokens.
/// `veer bench steering` prints it; `veer bench generate` reports it as `steer_overhead_pct`.
enum SteeringOverhead {
    struct Row: Encodable {
        /// "unsteered" or the method's name.
        var method: String
        var configuration: String
        var steered_blocks: Int
        var median_ms_per_token: Double
        var ratio_to_unsteered: Double
        var extra_ms_per_token: Double

        /// The key `bench generate` reports it under: the method and `_1` (one block) or `_all` (every block).
        var key: String { "\(method)_\(steered_blocks == 1 ? "1" : "all")" }
        var overheadPercent: Double { 100 * (ratio_to_unsteered - 1) }
    }

    static func measure<B: ComputeBackend>(model: LlamaModel<B>, prompt: [Int32], tokens: Int, rounds: Int) throws -> [Row] {
        let c = model.config
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
                let steering = try BatchSteering(model: model, sequences: [SequenceSteering(edits: edits, span: span)])
                let name = blocks.count == 1 ? "\(method.rawValue), block \(middle)" : "\(method.rawValue), all \(c.layers) blocks"
                configurations.append((method.rawValue, name, blocks.count, steering.forward))
            }
        }
        let generator = try Generator(model: model)
        var samples = [[Double]](repeating: [], count: configurations.count)
        for round in 0...rounds {   // round 0 warms up
            for (i, configuration) in configurations.enumerated() {
                let result = try generator.generate(prompt: prompt, maxTokens: tokens,
                                                    sampling: SamplerSettings(temperature: 0), stopTokens: [],
                                                    ignoreEOS: true, steering: configuration.steering)
                if round > 0 { samples[i].append(1000 * result.decodeSeconds / Double(result.tokens.count - 1)) }
            }
        }
        let medians = samples.map(median)
        return configurations.indices.map { i in
            Row(method: configurations[i].method, configuration: configurations[i].name, steered_blocks: configurations[i].blocks,
                median_ms_per_token: medians[i], ratio_to_unsteered: medians[i] / medians[0],
                extra_ms_per_token: medians[i] - medians[0])
        }
    }
}
