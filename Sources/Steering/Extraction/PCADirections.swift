import Kernels
import Llama

/// repeng's `read_representations` (vgel/repeng, repeng/extract.py) with `method="pca_diff"` or `"pca_center"`:
///
/// - each text is reduced to the last token of resid_post[N] (repeng reads `hidden_states[N + 1]`, the output of
///   block N, at the last non-padding token, and its control model adds at the output of block N: the same block);
/// - `pcaDiff`: the rows are the pair differences positive − negative; `pcaCenter`: each text's row minus the mean of
///   its pair (both texts of every pair);
/// - the direction is the first principal component of those rows after scikit-learn's column centring, unit length;
/// - its sign is flipped when more pairs project the positive text lower than the negative one than the other way
///   round (the projection of the uncentred rows; a tie keeps the solver's sign, as repeng does).
public enum PCADirections {
    /// Which rows the component is taken of.
    public enum Variant: String, Sendable, CaseIterable {
        case pcaDiff = "pca-diff"
        case pcaCenter = "pca-center"
    }

    /// `positive`, `negative`: [pairs] token arrays as they should run (BOS, template applied), equal counts.
    public static func extract<B: ComputeBackend>(_ variant: Variant, model: LlamaModel<B>, positive: [[Int32]],
                                                  negative: [[Int32]], layers: [Int],
                                                  progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        guard positive.count == negative.count, !positive.isEmpty else {
            throw ExtractionError.pairCountMismatch(positive: positive.count, negative: negative.count)
        }
        let request = CaptureRequest(site: .residPost, layers: layers, reduction: .last)
        let captured = try ActivationCapture(model: model, progress: progress).capture(positive + negative, request)
        let width = captured.width, n = positive.count
        var directions: [Int: [Float]] = [:], norms: [Int: Float] = [:]
        for layer in request.layers {
            let rows = captured.layers[layer]!
            let positiveRows = Array(rows[0 ..< n * width]), negativeRows = Array(rows[n * width ..< 2 * n * width])
            let direction: [Float]
            do {
                direction = try Self.direction(variant, positive: positiveRows, negative: negativeRows, width: width)
            } catch let failure as PrincipalComponent.Failure {
                throw ExtractionError.noDirection(method: variant.rawValue, layer: layer, reason: failure.description)
            }
            directions[layer] = direction
            norms[layer] = Float(CVectorMean.rowNormSum(rows, width: width) / Double(2 * n))
        }
        return ExtractedDirections(width: width, directions: directions, meanResidualNorms: norms, method: variant.rawValue,
                                   pairCount: n,
                                   settings: ["site": HookSite.residPost.rawValue, "reduction": "last", "normalized": "true"])
    }

    /// The oriented unit direction of one block from its reduced rows: `positive`, `negative` [pairs, width] each.
    public static func direction(_ variant: Variant, positive: [Float], negative: [Float], width: Int) throws -> [Float] {
        precondition(positive.count == negative.count && positive.count % width == 0)
        let n = positive.count / width
        var rows: [Double]
        switch variant {
        case .pcaDiff:
            rows = zip(positive, negative).map { Double($0) - Double($1) }
        case .pcaCenter:
            // Pairs stay adjacent (positive, negative, ...), as repeng orders them; the order does not change PCA.
            rows = [Double](repeating: 0, count: 2 * n * width)
            for pair in 0..<n {
                for j in 0..<width {
                    let p = Double(positive[pair * width + j]), q = Double(negative[pair * width + j])
                    let centre = (p + q) / 2
                    rows[2 * pair * width + j] = p - centre
                    rows[(2 * pair + 1) * width + j] = q - centre
                }
            }
        }
        var component = try PrincipalComponent.first(of: rows, width: width).component
        var lower = 0, higher = 0
        for pair in 0..<n {
            var difference = 0.0
            for j in 0..<width { difference += (Double(positive[pair * width + j]) - Double(negative[pair * width + j])) * component[j] }
            if difference < 0 { lower += 1 } else if difference > 0 { higher += 1 }
        }
        if lower > higher { component = component.map { -$0 } }
        return component.map { Float($0) }
    }
}
