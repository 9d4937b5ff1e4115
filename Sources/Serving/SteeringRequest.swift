import Foundation
import Steering

/// One entry of a request's `steering` list, as the client wrote it (the HTTP layer decodes it; the registry
/// resolves it). A request never names a file: vectors are named by their registered name.
public enum SteeringItem: Sendable, Equatable {
    /// `{"vector": NAME, "strength": S, "layers": "5-20", "positions": "..."}`: a registered vector; strength,
    /// layers and positions optional (strength defaults to 1, the others to the vector's own).
    case vector(name: String, strength: Float?, layers: String?, positions: String?)
    /// `{"spec": {...}}`: an inline intervention in the JSON spec format (`SteeringSpec`), as the object's JSON bytes.
    case spec(json: Data)
}

/// Turns a request's `steering` field into one sequence's steering, and lists what can be named.
public protocol SteeringResolving: Sendable {
    /// The registered vectors, by name.
    var vectors: [RegisteredVector] { get }
    /// What the server applies when a request has no `steering` field (`--steer`); empty for none.
    var defaults: [AppliedSteering] { get }
    /// `items` nil: the server's default steering; `[]`: none. The sequence's span is built from `promptLength` and
    /// `answerStart` (the chat template's assistant start, when known). Errors name the field, e.g.
    /// `steering[1].strength`.
    func resolve(_ items: [SteeringItem]?, promptLength: Int, answerStart: Int?) throws(SteeringRequestError) -> ResolvedSteering
}

/// A vector file the server registered at start (`--vectors DIR`: the file name without its extension).
public struct RegisteredVector: Sendable, Equatable, Codable {
    public var name: String
    /// caa, iti, spherical, austeer, ... (the file's method).
    public var method: String
    /// The hook site, e.g. resid_post.
    public var site: String
    /// The blocks the file edits.
    public var blocks: [Int]
    /// Whether the file's model fingerprint matches the served model (nil: the file records none).
    public var fingerprintMatches: Bool?
    /// The file's recorded strength range (`veer.strength_range`), when it has one.
    public var strengthRange: [Float]?

    public init(name: String, method: String, site: String, blocks: [Int], fingerprintMatches: Bool?, strengthRange: [Float]?) {
        self.name = name; self.method = method; self.site = site; self.blocks = blocks
        self.fingerprintMatches = fingerprintMatches; self.strengthRange = strengthRange
    }
}

/// What one request is steered with.
public struct ResolvedSteering: Sendable, Equatable {
    /// nil: unsteered.
    public var sequence: SequenceSteering?
    /// What was applied, for the response's `veer` field (in request order).
    public var applied: [AppliedSteering]
    public init(sequence: SequenceSteering?, applied: [AppliedSteering]) { self.sequence = sequence; self.applied = applied }
}

/// One applied entry, as the response reports it.
public struct AppliedSteering: Sendable, Equatable, Codable {
    /// The registered vector's name, or "spec" for an inline spec entry.
    public var name: String
    public var method: String
    /// The method's strength as applied (s or alpha, the request's strength folded in).
    public var strength: Float
    /// The blocks steered (after `layers`).
    public var blocks: [Int]
    /// The position policy, e.g. "all".
    public var positions: String
    public init(name: String, method: String, strength: Float, blocks: [Int], positions: String) {
        self.name = name; self.method = method; self.strength = strength; self.blocks = blocks; self.positions = positions
    }
}

/// A `steering` entry that cannot be applied: HTTP 400 naming `field` (e.g. `steering[0].vector`).
public struct SteeringRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
}
