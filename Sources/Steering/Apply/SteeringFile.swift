import Foundation

/// A steering file as `--steer FILE` loads it, at the file's own strengths: a JSON spec (a name ending in `.json`:
/// its entries) or a vector file (one entry, checked against the model). The CLI's `--steer` and the server's
/// `--vectors DIR` load files this one way, so a file means the same everywhere.
public struct SteeringFile: Sendable {
    /// The path it was read from; entries and errors name it.
    public var path: String
    /// Its entries in file order, at strength 1 times the file's own (`veer.strength`, a spec's s or alpha).
    public var entries: [SteeringEntry]
    /// The vector, for a vector file (nil for a spec).
    public var vector: SteeringVector?
    /// What the check against the model found that only suggests another model (a fingerprint that differs, a
    /// model hint naming another architecture); empty for a spec.
    public var warnings: [String]

    /// A file whose name ends in `.json` (any case) is a spec; any other is a vector file.
    public static func isSpec(_ path: String) -> Bool { URL(fileURLWithPath: path).pathExtension.lowercased() == "json" }

    /// Reads the file at `path` and checks it against `model`: a spec's widths, blocks and heads, a vector file's
    /// width and blocks (`SteeringVector.check`; with `strict`, a fingerprint that differs or is missing is an
    /// error). Errors name the file.
    public init(path: String, model: ModelIdentity, strict: Bool) throws {
        self.path = path
        if Self.isSpec(path) {
            entries = try SteeringSpec(path: path, model: model).steeringEntries
            vector = nil
            warnings = []
            return
        }
        let vector = try SteeringVector.load(path: path)
        warnings = try vector.check(against: model, strict: strict)
        entries = [try SteeringEntry(vector: vector)]
        self.vector = vector
    }
}
