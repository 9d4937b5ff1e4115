import Foundation

/// What produced a result, carried by every `--json` output: enough to reproduce the run.
struct RunManifest: Encodable {
    var model: String
    var model_sha256: String
    var precision: String
    var backend: String
    var device: String
    var driver: String
    var bos: Bool
    var context_size: Int
    var seed: UInt64?
    var veer_version: String
    /// The steering vectors, layers, positions and cache mode, when the run was steered.
    var steering: SteeringManifest?

    static let version = "0.1.0"
}
