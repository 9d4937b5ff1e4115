import Kernels
import Llama
import Tokenizers

/// Difference of means (steering-methods.md §1.1, "DiffMean", the vector of paper 2):
///
///     direction[N] = mean over positives of φ_N(x) − mean over negatives of φ_N(x)
///
/// where φ_N(x) reduces resid_post[N] (the output of block N) over the tokens of text x: the last token by default,
/// or the mean over all tokens, or one token index. Unnormalized.
///
/// Convention: the vector read at resid_post[N] is the one applied at resid_post[N] (same block, no shift). This
/// differs from llama.cpp's cvector-generator, whose direction.N is read one block earlier (see `CVectorMean`).
/// `meanResidualNorms[N]` is the mean L2 norm of the reduced activations of all positive and negative texts at
/// resid_post[N].
public enum MeanDifference {
    /// The method name vector files record.
    public static let method = "mean-diff"

    /// Tokenizes each text as a raw prompt (control-token text such as <|im_start|> recognised, BOS per `addBOS`,
    /// default the model's `add_bos_token`) and extracts at `layers`.
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, tokenizer: Tokenizer, pairs: [ContrastivePair],
                                                  layers: [Int], reduction: TokenReduction = .last,
                                                  addBOS: Bool? = nil, progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        func ids(_ text: String) -> [Int32] { tokenizer.encode(text, parseSpecial: true, addBOS: addBOS).ids }
        return try extract(model: model, positive: pairs.map { ids($0.positive) }, negative: pairs.map { ids($0.negative) },
                           layers: layers, reduction: reduction, progress: progress)
    }

    /// `positive`, `negative`: [pairs] token arrays as they should run (equal counts, at least one pair).
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, positive: [[Int32]], negative: [[Int32]],
                                                  layers: [Int], reduction: TokenReduction = .last,
                                                  progress: CaptureProgress? = nil) throws -> ExtractedDirections {
        guard positive.count == negative.count, !positive.isEmpty else {
            throw ExtractionError.pairCountMismatch(positive: positive.count, negative: negative.count)
        }
        let means = try classMeans(model: model, positive: positive, negative: negative, layers: layers,
                                   reduction: reduction, progress: progress)
        return ExtractedDirections(width: means.width, directions: means.differences, meanResidualNorms: means.meanNorms,
                                   method: method, pairCount: positive.count,
                                   settings: ["site": HookSite.residPost.rawValue, "reduction": reduction.description,
                                              "normalized": "false"])
    }

    /// The unpaired class means m+ and m− of the reduced activations of `positive` and `negative` texts (any counts,
    /// at least one each) at resid_post of `layers` (steering-methods.md §2.1 builds Spherical prototypes from them).
    public static func classMeans<B: ComputeBackend>(model: LlamaModel<B>, positive: [[Int32]], negative: [[Int32]],
                                                     layers: [Int], reduction: TokenReduction = .last,
                                                     progress: CaptureProgress? = nil) throws -> ClassMeans {
        guard !positive.isEmpty, !negative.isEmpty else {
            throw ExtractionError.pairCountMismatch(positive: positive.count, negative: negative.count)
        }
        guard reduction != .none else { throw ExtractionError.unsupportedReduction(method: method, reduction: reduction) }
        let request = CaptureRequest(site: .residPost, layers: layers, reduction: reduction)
        let width = model.config.width
        // Per layer: [width] sums of the positive and of the negative reduced rows, and the sum of their norms (f64).
        var positiveSum: [Int: [Double]] = [:], negativeSum: [Int: [Double]] = [:], normSum: [Int: Double] = [:]
        for layer in request.layers {
            positiveSum[layer] = [Double](repeating: 0, count: width)
            negativeSum[layer] = [Double](repeating: 0, count: width)
            normSum[layer] = 0
        }
        // Positives first, then negatives, in one capture so short texts share forward passes.
        try ActivationCapture(model: model, progress: progress).run(positive + negative, request) { text, activations in
            let isPositive = text < positive.count
            for (layer, row) in activations.layers {
                var squares = 0.0
                for (i, v) in row.enumerated() {
                    if isPositive { positiveSum[layer]![i] += Double(v) } else { negativeSum[layer]![i] += Double(v) }
                    squares += Double(v) * Double(v)
                }
                normSum[layer]! += squares.squareRoot()
            }
        }
        let p = Double(positive.count), n = Double(negative.count)
        var means = ClassMeans(width: width, positiveCount: positive.count, negativeCount: negative.count)
        for layer in request.layers {
            means.positive[layer] = positiveSum[layer]!.map { $0 / p }
            means.negative[layer] = negativeSum[layer]!.map { $0 / n }
            means.meanNorms[layer] = Float(normSum[layer]! / (p + n))
        }
        return means
    }
}

/// The mean reduced activation of each class of texts, per block.
public struct ClassMeans: Sendable {
    /// Floats per mean.
    public var width: Int
    /// Texts in each class.
    public var positiveCount: Int, negativeCount: Int
    /// Block N -> f64 [width] mean over the positive texts (m+) and over the negative texts (m−).
    public var positive: [Int: [Double]] = [:], negative: [Int: [Double]] = [:]
    /// Block N -> mean L2 norm of the reduced activations of all texts.
    public var meanNorms: [Int: Float] = [:]

    /// m+ − m− per block, in f32.
    public var differences: [Int: [Float]] {
        var result: [Int: [Float]] = [:]
        for (layer, mean) in positive { result[layer] = zip(mean, negative[layer]!).map { Float($0 - $1) } }
        return result
    }
}
