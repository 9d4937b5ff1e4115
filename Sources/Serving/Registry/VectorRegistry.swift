import Foundation
import Steering

/// The steering a server offers: every file of `--vectors DIR` registered by its file name without extension
/// (vector files `.gguf`, JSON specs `.json`), checked against the served model at start, and the `--steer` default.
/// Requests name vectors, never files. Immutable after `init`, so handlers resolve requests concurrently.
public final class VectorRegistry: SteeringResolving {
    /// The registered vectors, by name.
    public let vectors: [RegisteredVector]
    /// The `--steer` default as a request without `steering` gets it.
    public let defaults: [AppliedSteering]
    /// What registration found that only suggests another model (a fingerprint that differs, a model hint naming
    /// another architecture) and the directory entries that are not steering files; the server prints them.
    public let warnings: [String]

    let model: ModelIdentity
    let sources: [String: RegisteredSource]
    let defaultParts: [SteeringPart]

    /// Registers the files of `directory` (nil: none) and loads `defaults` (`--steer FILE[:S]`: paths are allowed
    /// here, at start only), all checked against `model` (with `strict`, a fingerprint that differs or is missing is
    /// an error). A directory that cannot be read, two files with one name, a file that does not fit the model (a
    /// width or block count for another model) and defaults that cannot be applied together are a
    /// `VectorRegistryError` naming the option and file: the server refuses to start.
    public init(directory: String?, defaults: [ScaledVectorPath], model: ModelIdentity, strict: Bool = false) throws {
        var warnings: [String] = []
        var sources: [String: RegisteredSource] = [:]
        if let directory {
            let listing = try VectorDirectory(path: directory)
            warnings += listing.skipped
            for (name, path) in listing.files {
                let file = try Self.load(path, model: model, strict: strict, option: "--vectors \(directory)")
                warnings += file.warnings
                sources[name] = RegisteredSource(name: name, file: file, model: model)
            }
        }
        var defaultParts: [SteeringPart] = []
        for argument in defaults {
            let file = try Self.load(argument.path, model: model, strict: strict, option: "--steer")
            warnings += file.warnings
            let name = URL(fileURLWithPath: argument.path).deletingPathExtension().lastPathComponent
            defaultParts += file.entries.map { SteeringPart(name: name, entry: $0.scaled(by: argument.strength)) }
        }
        let checked: ResolvedSteering
        do { checked = try Self.compose(defaultParts, span: SequenceSpan(promptLength: 1)) } catch {
            throw VectorRegistryError("--steer: \(error.message)")
        }
        self.vectors = sources.values.map(\.listing).sorted { $0.name < $1.name }
        self.defaults = checked.applied
        self.warnings = warnings
        self.model = model
        self.sources = sources
        self.defaultParts = defaultParts
    }

    private static func load(_ path: String, model: ModelIdentity, strict: Bool, option: String) throws -> SteeringFile {
        do { return try SteeringFile(path: path, model: model, strict: strict) } catch {
            throw VectorRegistryError("\(option): \(error)")
        }
    }

    /// `items` nil: the `--steer` default; `[]`: unsteered; otherwise each item in order, composed into one
    /// sequence's steering. Errors name the item's field (`steering[1].layers`), or `steering` when items cannot
    /// be applied together.
    public func resolve(_ items: [SteeringItem]?, promptLength: Int, answerStart: Int?) throws(SteeringRequestError) -> ResolvedSteering {
        let span = SequenceSpan(promptLength: promptLength, answerStart: answerStart)
        guard let items else { return try Self.compose(defaultParts, span: span) }
        var parts: [SteeringPart] = []
        for (index, item) in items.enumerated() { parts += try self.parts(of: item, at: index) }
        return try Self.compose(parts, span: span)
    }
}
