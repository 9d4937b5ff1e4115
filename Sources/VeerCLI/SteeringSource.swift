import Foundation
import ModelStore
import Steering

/// One `--steer FILE[:S]` argument, loaded: a JSON spec (`.json`: its entries) or a vector file (one entry, checked
/// against the model), every entry's strength multiplied by S whatever its method.
struct SteeringSource {
    var argument: ScaledVectorPath
    /// The entries at their strengths, S applied.
    var entries: [SteeringEntry]
    /// The vector, for a vector file.
    var vector: SteeringVector?
    /// The SHA-256 of the file's bytes, which results record so a number names exactly the vector behind it.
    var sha256: String

    /// A file whose name ends in `.json` is a spec; any other is a vector file.
    static func isSpec(_ path: String) -> Bool { SteeringFile.isSpec(path) }

    /// Loads the argument's file (`SteeringFile`); a vector file's check against the model prints its warnings to
    /// stderr (with `strict`, a fingerprint mismatch is an error).
    static func load(_ argument: ScaledVectorPath, model: ModelIdentity, strict: Bool) throws -> SteeringSource {
        let file = try SteeringFile(path: argument.path, model: model, strict: strict)
        for warning in file.warnings { Console.note("warning: \(warning)") }
        return SteeringSource(argument: argument, entries: file.entries.map { $0.scaled(by: argument.strength) },
                              vector: file.vector, sha256: try hash(argument.path))
    }

    private static func hash(_ path: String) throws -> String {
        do { return try ModelStore.sha256(of: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("\(path): cannot read the file to hash it (\(error.localizedDescription))")
        }
    }

    /// The file format the manifest records: the vector file's (llama.cpp, repeng, veer), or json.
    var format: String { vector?.info.sourceFormat.rawValue ?? "json" }

    /// How the stderr line names an entry: its name with the file's directory dropped.
    func label(_ entry: SteeringEntry) -> String {
        let file = URL(fileURLWithPath: argument.path).lastPathComponent
        return entry.name.hasPrefix(argument.path) ? file + entry.name.dropFirst(argument.path.count) : entry.name
    }
}
