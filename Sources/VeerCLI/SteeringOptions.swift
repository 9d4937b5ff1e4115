import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

/// `--steer FILE[:STRENGTH]` (repeatable), `--layers`, `--positions`, `--cache-mode`, `--strict`: the same meaning on
/// every model command. `veer generate --steer v.gguf:2 --layers 5-15` is llama.cpp's
/// `--control-vector-scaled v.gguf:2 --control-vector-layer-range 5 15`.
struct SteeringOptions: ParsableArguments {
    @Option(name: .customLong("steer"), parsing: .unconditionalSingleValue,
            help: "A steering vector file (llama.cpp, repeng or Veer GGUF) with an optional strength, default 1; repeatable, vectors sum per layer.")
    var steer: [String] = []

    @Option(help: "Blocks to steer: A-B (inclusive; may end at n_layer, as llama.cpp's layer range) or a list 3,7,9. Filters a file's own layers.")
    var layers: String?

    @Option(parsing: .unconditional,
            help: "Positions to steer: all (default), prompt, generated, last, from:K (negative K counts back from the prompt's end), from:prompt-end, from:answer-start, or a list 3,5,9.")
    var positions: String?

    @Option(name: .customLong("cache-mode"),
            help: "KV cache of steered positions: steered-persist (default) or reference-recompute (earlier positions unsteered at every step).")
    var cacheMode: String?

    @Flag(help: "Refuse a vector whose model fingerprint differs from the model's (default: warn).")
    var strict = false

    var isActive: Bool { !steer.isEmpty }

    func validate() throws {
        if !isActive {
            let given = [layers.map { _ in "--layers" }, positions.map { _ in "--positions" },
                         cacheMode.map { _ in "--cache-mode" }, strict ? "--strict" : nil].compactMap { $0 }
            if !given.isEmpty {
                throw ValidationError("\(given.joined(separator: ", ")) applies to steering vectors; give at least one --steer FILE[:S]")
            }
        }
        _ = try parsed()
    }

    /// The parsed forms of the options (errors name the option and value).
    func parsed() throws -> (vectors: [ScaledVectorPath], layers: LayerSelection?, positions: PositionPolicy, cacheMode: CacheMode) {
        do {
            let modeName = cacheMode ?? CacheMode.steeredPersist.rawValue
            guard let mode = CacheMode(rawValue: modeName) else {
                throw SteeringError.badArgument("--cache-mode \(modeName): expected \(CacheMode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            return (try steer.map(ScaledVectorPath.init(argument:)), try layers.map(LayerSelection.init(parsing:)),
                    try PositionPolicy(parsing: positions ?? "all"), mode)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Loads the vectors and checks them against the session's model (warnings go to stderr); nil without
    /// `--steer`, before any work (the model's fingerprint hashes its whole vocabulary).
    func load<B: ComputeBackend>(for session: ModelSession<B>) throws -> LoadedSteering? {
        guard isActive else { return nil }
        let model = try ModelIdentity(file: session.file)
        let options = try parsed()
        var vectors: [(vector: SteeringVector, strength: Float)] = []
        for path in options.vectors {
            let vector = try SteeringVector.load(path: path.path)
            for warning in try vector.check(against: model, strict: strict) { Console.note("warning: \(warning)") }
            vectors.append((vector, path.strength))
        }
        try options.layers?.validate(blockCount: model.blockCount)
        return LoadedSteering(vectors: vectors, layers: options.layers, positions: options.positions,
                              cacheMode: options.cacheMode, paths: options.vectors)
    }
}

/// Vectors loaded for a run, ready to become one sequence's steering.
struct LoadedSteering {
    var vectors: [(vector: SteeringVector, strength: Float)]
    var layers: LayerSelection?
    var positions: PositionPolicy
    var cacheMode: CacheMode
    var paths: [ScaledVectorPath]

    func sequence(promptLength: Int, answerStart: Int? = nil) throws -> SequenceSteering {
        try SequenceSteering.additive(vectors, layers: layers, positions: positions,
                                      span: SequenceSpan(promptLength: promptLength, answerStart: answerStart))
    }

    /// Device tables for a run of one sequence in slot 0.
    func forward<B: ComputeBackend>(_ model: LlamaModel<B>, promptLength: Int, answerStart: Int? = nil) throws
        -> ForwardSteering<B.Buffer>
    {
        var steering = try BatchSteering(model: model, sequences: [try sequence(promptLength: promptLength, answerStart: answerStart)],
                                         cacheMode: cacheMode).forward
        steering.summary = paths.map { "\($0.path) at strength \($0.strength)" }.joined(separator: " + ")
        return steering
    }

    /// What the run manifest records.
    var manifest: SteeringManifest {
        SteeringManifest(vectors: zip(paths, vectors).map { path, loaded in
            .init(path: path.path, strength: path.strength, blocks: loaded.vector.blocks,
                  format: loaded.vector.info.sourceFormat.rawValue)
        }, layers: layers?.description, positions: positions.description, cache_mode: cacheMode.rawValue)
    }
}

/// The steering part of a run manifest.
struct SteeringManifest: Encodable {
    struct Vector: Encodable { var path: String; var strength: Float; var blocks: [Int]; var format: String }
    var vectors: [Vector]
    var layers: String?
    var positions: String
    var cache_mode: String
}

extension RunManifest {
    /// This manifest with the steering of the run recorded (unchanged when unsteered).
    func steered(by loaded: LoadedSteering?) -> RunManifest {
        var manifest = self
        manifest.steering = loaded?.manifest
        return manifest
    }
}
