import Kernels
import Llama

/// AUSteer (steering-methods.md §4): the sign-consistency scores of every unit of `site` at every block, read at the
/// last token of each contrastive pair's texts, the global top-k (`SignConsistency`), and a `scale_units` result:
/// dense b per block with a selected unit, strength α, applied at every position (x_i *= 1 + α·b_i).
public enum AUSteerUnits {
    /// The method name vector files record.
    public static let method = "austeer"
    /// `main_test.py`'s defaults: k = 10, α = 5.
    public static let defaultK = 10, defaultAlpha: Float = 5

    /// The sites AUSteer scales: `ffn` (mlp_out), `attention` (heads_concat), `layer` (resid_post).
    public static let sites: [HookSite] = [.mlpOut, .headsConcat, .residPost]

    /// `positive`, `negative`: [pairs] token arrays as they should run, equal counts. `layers`: the blocks scored
    /// (all of them in the paper).
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, positive: [[Int32]], negative: [[Int32]],
                                                  site: HookSite, layers: [Int], k: Int, alpha: Float,
                                                  progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        guard positive.count == negative.count, !positive.isEmpty else {
            throw ExtractionError.pairCountMismatch(positive: positive.count, negative: negative.count)
        }
        guard sites.contains(site) else {
            throw ExtractionError.badValue(option: "--site", value: site.rawValue,
                                           expected: sites.map(\.rawValue).joined(separator: ", "))
        }
        guard k >= 1 else { throw ExtractionError.badValue(option: "--k", value: "\(k)", expected: "a whole number >= 1") }
        let request = CaptureRequest(site: site, layers: layers, reduction: .last)
        let captured = try ActivationCapture(model: model, progress: progress).capture(positive + negative, request)
        let width = captured.width, n = positive.count
        var scores: [Int: [Float]] = [:], norms: [Int: Float] = [:]
        for layer in request.layers {
            let rows = captured.layers[layer]!
            scores[layer] = SignConsistency.scores(positive: Array(rows[0 ..< n * width]),
                                                   negative: Array(rows[n * width ..< 2 * n * width]), width: width)
            norms[layer] = Float(CVectorMean.rowNormSum(rows, width: width) / Double(2 * n))
        }
        let selected = SignConsistency.select(scores, k: k)
        guard !selected.isEmpty else {
            throw ExtractionError.noDirection(method: method, layer: request.layers[0],
                                              reason: "every unit reads the same for the positive and negative text of every pair")
        }
        return ExtractedDirections(
            width: width, directions: selected, meanResidualNorms: norms.filter { selected[$0.key] != nil },
            method: method, pairCount: n,
            settings: ["site": site.rawValue, "reduction": "last", "k": "\(k)",
                       "selected_units": "\(selected.values.reduce(0) { $0 + $1.filter { $0 != 0 }.count })"],
            application: ExtractedApplication(operation: .scaleUnits, site: site, method: .austeer, strength: alpha,
                                              selectedUnitCount: k))
    }
}
