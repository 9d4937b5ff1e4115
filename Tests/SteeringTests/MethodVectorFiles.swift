import Foundation
import GGUF
@testable import Steering

/// One small vector file of each steering method, with the values a test can check by hand: unit prototypes that
/// are exact in f32 (0.6, 0.8), unit coefficients with a few non-zero entries, ITI's sigma·theta on one head of
/// three (head_dim 2).
enum MethodVectorFiles {
    static let width = 4
    static let itiHeads = 3, itiHeadDimension = 2

    /// Spherical Steering, gated (kappa 10, beta -0.25, alpha 0.5) or ungated (t 0.25), at blocks 2 and 3.
    static func spherical(gated: Bool) throws -> SteeringVector {
        let info = VectorInfo(operation: .rotate, modelHint: "llama", steeringMethod: .spherical, steeredPositions: .fromPromptEnd,
                              strength: gated ? 0.5 : 0.25,
                              sphericalGate: gated ? .gated(kappa: 10, beta: -0.25) : .ungated)
        return try SteeringVector(directions: [2: [0.6, 0.8, 0, 0], 3: [0, 0, -0.8, 0.6]], info: info, name: "spherical.gguf")
    }

    /// AUSteer at mlp_out: three units over blocks 1 and 4, k = 3, alpha 20.
    static func austeer() throws -> SteeringVector {
        let info = VectorInfo(operation: .scaleUnits, site: .mlpOut, method: "austeer", modelHint: "llama", steeringMethod: .austeer,
                              strength: 20, selectedUnitCount: 3)
        return try SteeringVector(directions: [1: [0, 0.75, 0, -0.5], 4: [1, 0, 0, 0]], info: info, name: "austeer.gguf")
    }

    /// ITI: sigma·theta on head 1 of block 5 (0 on the other heads), alpha 15, from the answer start.
    static func iti() throws -> SteeringVector {
        let info = VectorInfo(operation: .add, site: .headsConcat, method: "iti", modelHint: "llama", steeringMethod: .iti,
                              steeredPositions: .fromAnswerStart, strength: 15)
        return try SteeringVector(directions: [5: [0, 0, 1.5, -0.5, 0, 0]], info: info, name: "iti.gguf")
    }

    /// An additive vector with the method keys: CAA at s = 2 on the generated positions.
    static func additive() throws -> SteeringVector {
        let info = VectorInfo(method: "caa", modelHint: "llama", steeringMethod: .additive, steeredPositions: .generated, strength: 2)
        return try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1)], info: info, name: "caa.gguf")
    }

    /// A model these vectors fit: d = 4, heads 3 x 2 = 6 (other than d, as ITI files need to show).
    static let model = ModelIdentity(name: "tiny-model.gguf", architecture: "llama", width: width, blockCount: 6,
                                     fingerprint: String(repeating: "ab", count: 32), headCount: itiHeads,
                                     headDimension: itiHeadDimension)

    /// (name, vector) for each kind, for parameterized tests.
    static func all() throws -> [(String, SteeringVector)] {
        [("spherical-gated", try spherical(gated: true)), ("spherical-ungated", try spherical(gated: false)),
         ("austeer", try austeer()), ("iti", try iti()), ("additive", try additive())]
    }

    /// A version-2 control-vector writer with `operation`, `site` and `keys`, for hand-made (bad) files.
    static func writer(operation: String, site: String = "resid_post", version: UInt32 = 2,
                       keys: [(String, GGUFValue)] = []) -> GGUFWriter {
        var writer = VectorTestFiles.llamaCppWriter()
        writer.set("veer.format_version", .uint32(version))
        writer.set("veer.operation", .string(operation))
        writer.set("veer.site", .string(site))
        for (key, value) in keys { writer.set(key, value) }
        return writer
    }
}
