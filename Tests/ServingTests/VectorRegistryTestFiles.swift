import Foundation
import Steering

/// Vector files and specs for the registry tests, written with the library's writers into a temporary directory,
/// and a hand-built model they fit: width 4, 6 blocks, 2 heads of 2. Direction values are multiples of 1/4, so
/// every strength product the tests check is exact in f32.
enum RegistryFixtures {
    static let fingerprint = String(repeating: "ab", count: 32)
    static let model = ModelIdentity(name: "tiny-model.gguf", architecture: "llama", width: 4, blockCount: 6,
                                     fingerprint: fingerprint, headCount: 2, headDimension: 2)

    /// A direction for `block`, non-zero everywhere.
    static func direction(block: Int, width: Int = 4) -> [Float] { (0..<width).map { Float(block * 4 + $0 + 1) * 0.25 } }

    /// An additive vector on `blocks` at `veer.strength` `strength`.
    static func additive(blocks: [Int], strength: Float? = nil, fingerprint: String? = Self.fingerprint,
                         range: ClosedRange<Float>? = nil, width: Int = 4) throws -> SteeringVector {
        let info = VectorInfo(method: "mean-diff", fingerprint: fingerprint, modelHint: "llama", strengthRange: range,
                              steeringMethod: .additive, strength: strength)
        return try SteeringVector(directions: Dictionary(uniqueKeysWithValues: blocks.map { ($0, direction(block: $0, width: width)) }),
                                  info: info)
    }

    /// Spherical Steering (gated, alpha 0.5) at blocks 2 and 3, from the prompt's end, as its file states.
    static func spherical() throws -> SteeringVector {
        let info = VectorInfo(operation: .rotate, fingerprint: fingerprint, modelHint: "llama", steeringMethod: .spherical,
                              steeredPositions: .fromPromptEnd, strength: 0.5, sphericalGate: .gated(kappa: 10, beta: -0.25))
        return try SteeringVector(directions: [2: [0.6, 0.8, 0, 0], 3: [0, 0, -0.8, 0.6]], info: info)
    }

    /// An additive spec entry: s · v at resid_post of `layer`.
    static func specEntry(layer: Int, s: Double, v: [Double] = [0.5, -1, 0.25, 2]) -> [String: Any] {
        ["method": "additive", "site": "resid_post", "layer": layer, "s": s, "v": v]
    }

    static func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }

    /// The standard directory: happy.gguf (additive, blocks 1-3, veer.strength 2, range 0.5...3), sad.gguf (additive,
    /// block 2, another model's fingerprint), sphere.gguf (spherical, blocks 2-3) and joy.json (additive spec, block 4,
    /// s 3).
    static func standard() throws -> RegistryDirectory {
        let directory = try RegistryDirectory()
        try directory.write(additive(blocks: [1, 2, 3], strength: 2, range: 0.5...3), as: "happy.gguf")
        try directory.write(additive(blocks: [2], fingerprint: String(repeating: "cd", count: 32)), as: "sad.gguf")
        try directory.write(spherical(), as: "sphere.gguf")
        try directory.write(json(specEntry(layer: 4, s: 3)), as: "joy.json")
        return directory
    }
}

/// A directory under the system's temporary directory, removed when the value is released (keep it alive with
/// `withExtendedLifetime` for as long as a test uses it).
final class RegistryDirectory {
    let url = FileManager.default.temporaryDirectory.appending(path: "veer-registry-test-\(UUID().uuidString)")
    var path: String { url.path }

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appending(path: name).path }

    func write(_ vector: SteeringVector, as name: String) throws {
        var named = vector
        named.name = path(name)
        try named.write(to: path(name))
    }

    func write(_ data: Data, as name: String) throws { try data.write(to: url.appending(path: name)) }
}
