import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

/// `--steer FILE[:STRENGTH]` (repeatable; vector files and JSON specs), `--layers`, `--positions`, `--cache-mode`,
/// `--strict`: the same meaning on every model command. `veer generate --steer v.gguf:2 --layers 5-15` is llama.cpp's
/// `--control-vector-scaled v.gguf:2 --control-vector-layer-range 5 15`.
struct SteeringOptions: ParsableArguments {
    @Option(name: .customLong("steer"), parsing: .unconditionalSingleValue,
            help: "A steering vector file (llama.cpp, repeng or Veer GGUF) or a JSON spec (FILE.json), with an optional strength S, default 1, that multiplies every entry's strength (s or alpha); repeatable, entries compose.")
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

    /// The parsed forms of the options (errors name the option and value); `positions` is nil without --positions.
    /// `blockCount` (the model's, once known) resolves an open --control-vector-layer-range end.
    func parsed(blockCount: Int? = nil) throws -> (vectors: [ScaledVectorPath], layers: LayerSelection?, positions: PositionPolicy?, cacheMode: CacheMode) {
        do {
            let modeName = cacheMode ?? CacheMode.steeredPersist.rawValue
            guard let mode = CacheMode(rawValue: modeName) else {
                throw SteeringError.badArgument("--cache-mode \(modeName): expected \(CacheMode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            return (try vectorArguments.map(ScaledVectorPath.init(argument:)), try layerArgument(blockCount: blockCount).map(LayerSelection.init(parsing:)),
                    try positions.map(PositionPolicy.init(parsing:)), mode)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Loads the vector files and JSON specs and checks them against the session's model (warnings go to stderr)
    /// and against each other (`SequenceSteering.compose`: two rotations of a block, entries that disagree on
    /// positions without --positions); nil without `--steer`, before any work (the model's fingerprint hashes its
    /// whole vocabulary).
    func load<B: ComputeBackend>(for session: ModelSession<B>) throws -> LoadedSteering? {
        guard isActive else { return nil }
        let model = try ModelIdentity(file: session.file)
        let options = try parsed(blockCount: model.blockCount)
        let sources = try options.vectors.map { try SteeringSource.load($0, model: model, strict: strict) }
        do { try options.layers?.validate(blockCount: model.blockCount) } catch {
            // The rule is --layers'; the message names the option the user typed.
            guard let range = controlVectorLayerRange else { throw error }
            throw InvalidInput("--control-vector-layer-range \(LlamaCppArguments.values(range).joined(separator: " ")): the model has"
                               + " blocks 0...\(model.blockCount - 1), and a range may end at \(model.blockCount) as in llama.cpp")
        }
        // Composed once here so that conflicts fail before any work; each sequence composes again with its span.
        let checked = try SequenceSteering.compose(sources.flatMap(\.entries), layers: options.layers, positions: options.positions,
                                                   span: SequenceSpan(promptLength: 1))
        return LoadedSteering(sources: sources, layers: options.layers, positions: checked.positions,
                              cacheMode: options.cacheMode, model: model)
    }
}

/// Vector files and JSON specs loaded for a run, ready to become one sequence's steering.
struct LoadedSteering {
    var sources: [SteeringSource]
    var layers: LayerSelection?
    /// --positions, else what the entries agree on (`.all` when none states any).
    var positions: PositionPolicy
    var cacheMode: CacheMode
    var model: ModelIdentity

    /// Every entry of every source, in argument order.
    var entries: [SteeringEntry] { sources.flatMap(\.entries) }

    func sequence(promptLength: Int, answerStart: Int? = nil) throws -> SequenceSteering {
        try SequenceSteering.compose(entries, layers: layers, positions: positions,
                                     span: SequenceSpan(promptLength: promptLength, answerStart: answerStart))
    }

    /// Device tables for a run of one sequence in slot 0; with `trace`, every pass appends its trace rows there.
    func forward<B: ComputeBackend>(_ model: LlamaModel<B>, promptLength: Int, answerStart: Int? = nil,
                                    trace: SteeringTrace? = nil) throws -> ForwardSteering<B.Buffer>
    {
        var steering = try BatchSteering(model: model, sequences: [try sequence(promptLength: promptLength, answerStart: answerStart)],
                                         cacheMode: cacheMode, trace: trace).forward
        steering.summary = sources.map { "\($0.argument.path) at strength \($0.argument.strength)" }.joined(separator: " + ")
        return steering
    }

    /// What the run manifest records.
    var manifest: SteeringManifest {
        SteeringManifest(
            vectors: sources.map { source in
                .init(path: source.argument.path, strength: source.argument.strength,
                      blocks: Set(source.entries.flatMap(steeredBlocks)).sorted(),
                      file_blocks: Set(source.entries.flatMap(\.blocks)).sorted(), format: source.format, sha256: source.sha256)
            },
            entries: sources.flatMap { source in
                source.entries.map { entry in
                    .init(name: entry.name, method: entry.method.rawValue, strength: entry.strength, blocks: steeredBlocks(entry),
                          entry_blocks: entry.blocks, positions: entry.positions?.description)
                }
            },
            layers: layers?.description, positions: positions.description, cache_mode: cacheMode.rawValue)
    }
}

/// The steering part of a run manifest.
struct SteeringManifest: Codable {
    /// One --steer argument. `strength`: its S. `blocks`: the blocks this run steers with it (the file's,
    /// filtered by --layers; none at strength 0). `file_blocks`: every block the file edits. `format`: llama.cpp,
    /// repeng, veer or json. `sha256`: the file's.
    struct Vector: Codable {
        var path: String; var strength: Float; var blocks: [Int]; var file_blocks: [Int]; var format: String; var sha256: String
    }
    /// One entry (a vector file, or one object of a JSON spec). `strength`: the method's strength in this run (s or
    /// alpha, S applied). `blocks`: those this run steers; `entry_blocks`: all the entry edits. `positions`: the
    /// positions the entry states, if any (the run's are the manifest's `positions`).
    struct Entry: Codable {
        var name: String; var method: String; var strength: Float; var blocks: [Int]; var entry_blocks: [Int]; var positions: String?
    }
    var vectors: [Vector]
    var entries: [Entry]
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
