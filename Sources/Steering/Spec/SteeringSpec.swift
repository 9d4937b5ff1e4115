import Foundation

/// A JSON steering spec (`--steer FILE.json`): interventions written by hand. The file holds one object or a list of
/// objects; each is a configuration's `params` from steering-reference.json plus a `method` key:
///
/// - `additive`: `site`, `layer`, `s`, `v`
/// - `spherical`: `site` (resid_post), `layer`, `gated`, `mu`, `alpha`, `kappa`, `beta` (null or absent when not
///   gated), `t` (ungated only, must equal `alpha`)
/// - `austeer`: `site`, `alpha`, `units` [{`layer`, `dim`, `b`}], `k` (optional, the number of units)
/// - `iti`: `site` (heads_concat), `layer`, `alpha`, `head_dim` (the model's), `heads` [{`head`, `sigma`, `theta`}]
///
/// and on every entry `positions` (as `--positions`), `id`, `source` and `note` (free text). Any other key, a
/// missing key or a value of the wrong type or size for the model is an error naming the key and the entry.
///
/// Each entry becomes a `SteeringEntry` at unit strength whose `strength` is the method's (s or alpha), so that
/// `FILE.json:S` scales every method the way `FILE.gguf:S` does.
public struct SteeringSpec: Sendable {
    /// One entry as written: its steering and the free text and counts that steering has no place for.
    public struct Entry: Sendable, Equatable {
        public var steering: SteeringEntry
        public var id: String?
        public var source: String?
        public var note: String?
        /// AUSteer's `k`, when given.
        public var selectedUnitCount: Int?
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// The steering of every entry, in file order (the order composition takes them in).
    public var steeringEntries: [SteeringEntry] { entries.map(\.steering) }

    /// Reads the spec at `path`; widths, blocks and heads are checked against `model`.
    public init(path: String, model: ModelIdentity) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SteeringSpecError(entry: path, problem: "cannot read the file (\((error as NSError).localizedDescription))")
        }
        try self.init(data: data, file: path, model: model)
    }

    /// Reads a spec's text; `file` is how errors name it.
    public init(data: Data, file: String, model: ModelIdentity) throws {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch {
            throw SteeringSpecError(entry: file, problem: "not valid JSON: \(error)")
        }
        let items: [JSONValue]
        switch document {
        case .object: items = [document]
        case .array(let list): items = list
        default: throw SteeringSpecError(entry: file, problem: "expected an object or a list of objects, found \(document.kindDescription)")
        }
        guard !items.isEmpty else { throw SteeringSpecError(entry: file, problem: "the list has no entries") }
        entries = try items.enumerated().map { index, item in
            try Self.entry(item, name: "\(file) entry \(index)", model: model)
        }
    }

    /// The keys every entry may have besides its method's.
    static let commonKeys = ["method", "positions", "id", "source", "note"]

    /// The keys of each method, in the order the spec lists them (and `json(for:)` writes them).
    static func keys(of method: SteeringMethod) -> [String] {
        switch method {
        case .additive: ["site", "layer", "s", "v"]
        case .spherical: ["site", "layer", "gated", "mu", "alpha", "kappa", "beta", "t"]
        case .austeer: ["site", "alpha", "units", "k"]
        case .iti: ["site", "layer", "alpha", "head_dim", "heads"]
        }
    }

    private static func entry(_ item: JSONValue, name: String, model: ModelIdentity) throws -> Entry {
        let bare = try SpecObject(item, entry: name)
        // The id names the entry in every later message, so it is read first.
        let id = try bare.optionalString("id")
        let object = try SpecObject(item, entry: id.map { "\(name) (id \($0))" } ?? name)
        let methodName = try object.string("method")
        guard let method = SteeringMethod(rawValue: methodName) else {
            throw object.fail("method", "\(jsonStringLiteral(methodName)) is not a method; expected \(SteeringMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try object.requireOnly(keys(of: method) + commonKeys, what: "method \(method.rawValue)")
        var positions: PositionPolicy?
        if let text = try object.optionalString("positions") {
            do { positions = try PositionPolicy(parsing: text) } catch {
                throw object.fail("positions", "\(jsonStringLiteral(text)) is not a position policy; expected \(PositionPolicy.forms)")
            }
        }
        let reader = SpecMethodReader(object: object, model: model)
        var (strength, interventions, k): (Float, [Intervention], Int?) = (0, [], nil)
        switch method {
        case .additive: (strength, interventions) = try reader.additive()
        case .spherical: (strength, interventions) = try reader.spherical()
        case .austeer: (strength, interventions, k) = try reader.austeer()
        case .iti: (strength, interventions) = try reader.iti()
        }
        let steering = SteeringEntry(name: object.entry, method: method, positions: positions, strength: strength,
                                     interventions: interventions)
        return Entry(steering: steering, id: id, source: try object.optionalString("source"),
                     note: try object.optionalString("note"), selectedUnitCount: k)
    }
}
