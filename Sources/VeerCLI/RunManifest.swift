import Foundation
import ModelStore

/// What produced a result, carried by every `--json` output: enough to reproduce the run.
struct RunManifest: Codable {
    var model: String
    var model_sha256: String
    var precision: String
    var backend: String
    var device: String
    var driver: String
    var bos: Bool
    /// Absent for commands that only tokenize.
    var context_size: Int?
    var seed: UInt64?
    var veer_version: String
    /// The steering vectors, layers, positions and cache mode, when the run was steered.
    var steering: SteeringManifest?
    /// The CPU backend's worker threads (absent on other backends).
    var threads: Int?

    static let version = "0.1.0"

    /// The manifest of a command that reads only the model's tokenizer: no backend, device or arithmetic ran.
    static func tokenizerOnly(path: URL, bos: Bool) throws -> RunManifest {
        RunManifest(model: path.path, model_sha256: try ModelStore().cachedSHA256(of: path), precision: "none", backend: "none",
                    device: "none", driver: "none", bos: bos, context_size: nil, seed: nil, veer_version: version)
    }
}
