import Kernels
import Llama

/// Spherical Steering's truthful prototype (steering-methods.md §2.1): the unpaired class means m+ and m− of the
/// last-token resid_post[N] over labelled texts, μ_T = (m+ − m−) / ‖m+ − m−‖. The result is a `rotate` vector
/// (`veer.mu.N`) with the gate given, at positions from:prompt-end (the spec's MC scoring), strength α (or t when
/// ungated).
public enum SphericalPrototype {
    /// The method name vector files record.
    public static let method = "spherical"

    /// The released defaults of the reference code's judge script (§2.6): κ = 20, α = 0.6, β = −0.05.
    public static let defaultKappa: Float = 20, defaultAlpha: Float = 0.6, defaultBeta: Float = -0.05

    /// `positive` (label 1), `negative` (label 0): token arrays as they should run, any counts, at least one each.
    /// `gate` and `strength`: `.gated(kappa:beta:)` with α, or `.ungated` with t.
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, positive: [[Int32]], negative: [[Int32]],
                                                  layers: [Int], gate: SphericalGate, strength: Float,
                                                  progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        let means = try MeanDifference.classMeans(model: model, positive: positive, negative: negative, layers: layers,
                                                  reduction: .last, progress: progress)
        var prototypes: [Int: [Float]] = [:]
        for (layer, difference) in means.differences {
            prototypes[layer] = try unit(difference, layer: layer)
        }
        return ExtractedDirections(
            width: means.width, directions: prototypes, meanResidualNorms: means.meanNorms, method: method,
            pairCount: positive.count + negative.count, inputKind: "texts",
            settings: ["site": HookSite.residPost.rawValue, "reduction": "last", "normalized": "true",
                       "positive_texts": "\(positive.count)", "negative_texts": "\(negative.count)"],
            application: ExtractedApplication(operation: .rotate, site: .residPost, method: .spherical,
                                              positions: .fromPromptEnd, strength: strength, gate: gate))
    }

    /// `difference` / its norm (f64); a zero difference has no direction to rotate toward.
    static func unit(_ difference: [Float], layer: Int) throws -> [Float] {
        let norm = difference.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > 0 else {
            throw ExtractionError.noDirection(method: method, layer: layer, reason: "the two class means are equal")
        }
        return difference.map { Float(Double($0) / norm) }
    }
}
