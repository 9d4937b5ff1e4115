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

    @Option(name: .customLong("control-vector"), parsing: .unconditionalSingleValue,
            help: "llama.cpp's name for --steer FILE (strength 1); repeatable.")
    var controlVectors: [String] = []

    @Option(name: .customLong("control-vector-scaled"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("llama.cpp's name for --steer FILE:SCALE; repeatable.", valueName: "FILE SCALE"))
    var controlVectorsScaled: [String] = []

    @Option(name: .customLong("control-vector-layer-range"), parsing: .unconditional,
            help: ArgumentHelp("llama.cpp's name for --layers START-END (inclusive).", valueName: "START END"))
    var controlVectorLayerRange: String?

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

    var isActive: Bool { !steer.isEmpty || !controlVectors.isEmpty || !controlVectorsScaled.isEmpty }

    /// Every vector as `FILE[:S]`, llama.cpp's spellings included, in the order --steer, --control-vector,
    /// --control-vector-scaled (the order only matters for the floating-point sum).
    var vectorArguments: [String] {
        get throws {
            try steer + controlVectors + controlVectorsScaled.map { pair in
                let parts = LlamaCppArguments.values(pair)
                guard parts.count == 2, let scale = Float(parts[1]), scale.isFinite else {
                    throw ValidationError("--control-vector-scaled \(parts.joined(separator: " ")): expected a file and a finite scale, e.g. --control-vector-scaled v.gguf 0.8")
                }
                return "\(parts[0]):\(parts[1])"
            }
        }
    }

    /// --layers, or llama.cpp's --control-vector-layer-range START END with llama.cpp's meaning: inclusive, a
    /// START <= 0 is block 1 and an END <= 0 is n_layer (its "unset"), so `0 0` steers every block a file has from 1
    /// on. `blockCount` is the model's n_layer.
    func layerArgument(blockCount: Int?) throws -> String? {
        guard let controlVectorLayerRange else { return layers }
        guard layers == nil else {
            throw ValidationError("give either --layers or --control-vector-layer-range, not both")
        }
        let parts = LlamaCppArguments.values(controlVectorLayerRange)
        func fail() -> ValidationError {
            ValidationError("--control-vector-layer-range \(parts.joined(separator: " ")): expected START END, whole numbers with START <= END (<= 0: llama.cpp's defaults, 1 and n_layer), e.g. --control-vector-layer-range 5 15")
        }
        guard parts.count == 2, let given = Int(parts[0]), let last = Int(parts[1]) else { throw fail() }
        let start = max(given, 1)
        // Before the model is known (option validation) an open end has no number yet; START alone checks the form.
        guard last > 0 else { return blockCount.map { "\(start)-\($0)" } ?? "\(start)-\(start)" }
        guard start <= last else { throw fail() }
        return "\(start)-\(last)"
    }

    func validate() throws {
        if !isActive {
            let given = [layers.map { _ in "--layers" }, controlVectorLayerRange.map { _ in "--control-vector-layer-range" }, positions.map { _ in "--positions" },
                         cacheMode.map { _ in "--cache-mode" }, strict ? "--strict" : nil].compactMap { $0 }
            if !given.isEmpty {
                throw ValidationError("\(given.joined(separator: ", ")) applies to steering vectors; give at least one --steer FILE[:S]")
            }
        }
        _ = try parsed()
    }

    /// The parsed forms of the options (errors name the option and value).
    /// `blockCount` (the model's, once known) resolves an open --control-vector-layer-range end.
    func parsed(blockCount: Int? = nil) throws -> (vectors: [ScaledVectorPath], layers: LayerSelection?, positions: PositionPolicy, cacheMode: CacheMode) {
        do {
            let modeName = cacheMode ?? CacheMode.steeredPersist.rawValue
            guard let mode = CacheMode(rawValue: modeName) else {
                throw SteeringError.badArgument("--cache-mode \(modeName): expected \(CacheMode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            return (try vectorArguments.map(ScaledVectorPath.init(argument:)), try layerArgument(blockCount: blockCount).map(LayerSelection.init(parsing:)),
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
        let options = try parsed(blockCount: model.blockCount)
        var vectors: [(vector: SteeringVector, strength: Float)] = []
        for path in options.vectors {
            let vector = try SteeringVector.load(path: path.path)
            for warning in try vector.check(against: model, strict: strict) { Console.note("warning: \(warning)") }
            vectors.append((vector, path.strength))
        }
        do { try options.layers?.validate(blockCount: model.blockCount) } catch {
            // The rule is --layers'; the message names the option the user typed.
            guard let range = controlVectorLayerRange else { throw error }
            throw InvalidInput("--control-vector-layer-range \(LlamaCppArguments.values(range).joined(separator: " ")): the model has"
                               + " blocks 0...\(model.blockCount - 1), and a range may end at \(model.blockCount) as in llama.cpp")
        }
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

    /// Device tables for a run of one sequence in slot 0; with `trace`, every pass appends its trace rows there.
    func forward<B: ComputeBackend>(_ model: LlamaModel<B>, promptLength: Int, answerStart: Int? = nil,
                                    trace: SteeringTrace? = nil) throws -> ForwardSteering<B.Buffer>
    {
        var steering = try BatchSteering(model: model, sequences: [try sequence(promptLength: promptLength, answerStart: answerStart)],
                                         cacheMode: cacheMode, trace: trace).forward
        steering.summary = paths.map { "\($0.path) at strength \($0.strength)" }.joined(separator: " + ")
        return steering
    }

    /// What the run manifest records.
    var manifest: SteeringManifest {
        SteeringManifest(vectors: vectors.indices.map { i in
            .init(path: paths[i].path, strength: paths[i].strength, blocks: steeredBlocks(i),
                  file_blocks: vectors[i].vector.blocks, format: vectors[i].vector.info.sourceFormat.rawValue)
        }, layers: layers?.description, positions: positions.description, cache_mode: cacheMode.rawValue)
    }
}

/// The steering part of a run manifest.
struct SteeringManifest: Encodable {
    /// `blocks`: the blocks this run steers with the vector (the file's, filtered by --layers; none at strength 0).
    /// `file_blocks`: every block the file has a direction for.
    struct Vector: Encodable { var path: String; var strength: Float; var blocks: [Int]; var file_blocks: [Int]; var format: String }
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
