import Foundation
import Steering

/// A small model and one valid spec entry per method, for the spec tests: width 8, 4 blocks, 2 heads of 4.
enum SpecFixtures {
    static let model = ModelIdentity(name: "tiny.gguf", architecture: "llama", width: 8, blockCount: 4,
                                     fingerprint: String(repeating: "0", count: 64), headCount: 2, headDimension: 4)

    static let v: [Double] = [1, -2, 0.5, 0, 0, 0, 0, 0.25]
    /// A unit vector of width 8.
    static let mu: [Double] = [0.6, 0, 0.8, 0, 0, 0, 0, 0]

    /// One valid entry per method, as JSON objects.
    static var entries: [String: [String: Any]] { [
        "additive": ["method": "additive", "id": "add", "site": "resid_post", "layer": 2, "s": 4, "v": v],
        "spherical": ["method": "spherical", "id": "rot", "site": "resid_post", "layer": 1, "gated": true, "mu": mu,
                      "alpha": 0.6, "kappa": 20, "beta": -0.05],
        "ungated": ["method": "spherical", "id": "slerp", "site": "resid_post", "layer": 3, "gated": false, "mu": mu,
                    "alpha": 0.5, "kappa": NSNull(), "beta": NSNull(), "t": 0.5],
        "austeer": ["method": "austeer", "id": "units", "site": "mlp_out", "alpha": 20, "k": 3, "units": [
            ["layer": 3, "dim": 5, "b": 0.75], ["layer": 1, "dim": 2, "b": -0.5], ["layer": 3, "dim": 0, "b": 1]]],
        "iti": ["method": "iti", "id": "heads", "site": "heads_concat", "layer": 2, "alpha": 8, "head_dim": 4, "heads": [
            ["head": 1, "sigma": 2, "theta": [0.5, 0.5, 0.5, 0.5]]]],
    ] }

    static func text(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The spec of `object` (an entry or a list of entries) against the tiny model, named spec.json.
    static func parse(_ object: Any) throws -> SteeringSpec {
        try SteeringSpec(data: try text(object), file: "spec.json", model: model)
    }

    static func parse(text: String) throws -> SteeringSpec {
        try SteeringSpec(data: Data(text.utf8), file: "spec.json", model: model)
    }

    /// The spec error `body` throws (nil if it throws none or another error).
    static func specError(_ body: () throws -> Any) -> SteeringSpecError? {
        do { _ = try body(); return nil } catch { return error as? SteeringSpecError }
    }
}
