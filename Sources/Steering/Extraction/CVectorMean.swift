import Kernels
import Llama
import Tokenizers

/// llama.cpp's `llama-cvector-generator --method mean`, step for step (tools/cvector-generator/cvector-generator.cpp
/// and mean.hpp):
///
/// 1. Each text is tokenized with `common_tokenize(ctx, text, add_bos, parse_special: true)` where add_bos is the
///    model's `add_bos_token`; that flag is passed as `add_special`, so EOS is added too when the model asks for both.
/// 2. The positive and negative text of a pair are padded at the end to the longer one's length with the last token
///    of `common_tokenize(" ", add_special: false)` (the space token).
/// 3. Each padded text runs alone from position 0 with no steering; the eval callback keeps every `l_out-L` whose row
///    count equals the text's token count. The last block's output is trimmed to the logit rows (one row) before
///    `l_out`, so blocks 0 ..< n_layer-1 are kept.
/// 4. Per pair and kept block: diff = positive − negative per position (f32); rows with no element above 1e-6 are
///    dropped (a signed test, not |x|: an all-negative row is dropped too). The shared prefix gives exact zeros.
/// 5. Per block, the remaining rows of all pairs are concatenated (pair order, then position order) and averaged
///    column by column with an f32 running sum divided by the row count, then scaled to unit L2 norm (f32).
/// 6. The vector from l_out-L is written as `direction.(L+1)`: direction.N is built from resid_post[N−1] and applied
///    at resid_post[N], N = 1 ... n_layer−1.
///
/// `meanResidualNorms[N]` is the mean L2 norm over every captured row (both texts, padding included) of
/// resid_post[N−1], the activations direction N came from.
public enum CVectorMean {
    /// The method name vector files record.
    public static let method = "cvector-mean"

    /// The diff threshold of llama.cpp's `filter_nonzero_rows`.
    static let zeroThreshold: Float = 1e-6

    /// Tokenizes and pads `pairs` as llama.cpp does (steps 1 and 2): [pairs] equal-length token arrays.
    public static func tokenize(_ pairs: [ContrastivePair], tokenizer: Tokenizer) -> [(positive: [Int32], negative: [Int32])] {
        let addSpecial = tokenizer.vocabulary.addsBOS
        func ids(_ text: String) -> [Int32] {
            tokenizer.encode(text, parseSpecial: true, addBOS: addSpecial, addEOS: addSpecial && tokenizer.vocabulary.addsEOS).ids
        }
        let pad = tokenizer.encode(" ", parseSpecial: false, addBOS: false, addEOS: false).ids.last!
        return pairs.map { pair in
            var positive = ids(pair.positive), negative = ids(pair.negative)
            let length = max(positive.count, negative.count)
            positive += [Int32](repeating: pad, count: length - positive.count)
            negative += [Int32](repeating: pad, count: length - negative.count)
            return (positive, negative)
        }
    }

    /// Tokenizes (`tokenize`) and extracts. Pass texts as llama.cpp would see them after reading its prompt files
    /// (`LlamaCppPromptFile` turns "\n" escapes into newlines).
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, tokenizer: Tokenizer,
                                                  pairs: [ContrastivePair]) throws -> ExtractedDirections {
        try extract(model: model, paddedPairs: tokenize(pairs, tokenizer: tokenizer))
    }

    /// `paddedPairs`: [pairs] positive and negative token arrays of equal length (steps 3 to 6).
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>,
                                                  paddedPairs: [(positive: [Int32], negative: [Int32])]) throws -> ExtractedDirections {
        guard !paddedPairs.isEmpty else { throw ExtractionError.pairCountMismatch(positive: 0, negative: 0) }
        precondition(paddedPairs.allSatisfy { $0.positive.count == $0.negative.count }, "pairs must be padded to equal length")
        let width = model.config.width
        let layers = Array(0 ..< model.config.layers - 1)
        // Per block L: [width] f32 running sum of the kept diff rows, their count, and the f64 sum of row norms.
        var diffSum = [[Float]](repeating: [Float](repeating: 0, count: width), count: layers.count)
        var keptRows = [Int](repeating: 0, count: layers.count)
        var normSum = [Double](repeating: 0, count: layers.count)
        var capturedRows = 0
        var pendingPositive: TextActivations?
        let texts = paddedPairs.flatMap { [$0.positive, $0.negative] }
        let request = CaptureRequest(site: .residPost, layers: layers, reduction: .none)
        try ActivationCapture(model: model).run(texts, request) { text, activations in
            capturedRows += activations.tokenCount
            for layer in layers { normSum[layer] += rowNormSum(activations.layers[layer]!, width: width) }
            guard text % 2 == 1, let positive = pendingPositive else { pendingPositive = activations; return }
            pendingPositive = nil
            for layer in layers {
                let kept = addNonZeroDiffRows(positive.layers[layer]!, activations.layers[layer]!, width: width,
                                              into: &diffSum[layer])
                guard kept > 0 else { throw ExtractionError.identicalPair(pair: text / 2, layer: layer) }
                keptRows[layer] += kept
            }
        }
        var directions: [Int: [Float]] = [:], norms: [Int: Float] = [:]
        for layer in layers {
            directions[layer + 1] = normalized(diffSum[layer].map { $0 / Float(keptRows[layer]) })
            norms[layer + 1] = Float(normSum[layer] / Double(capturedRows))
        }
        return ExtractedDirections(width: width, directions: directions, meanResidualNorms: norms, method: method,
                                   pairCount: paddedPairs.count,
                                   settings: ["site": HookSite.residPost.rawValue, "source_block_offset": "-1",
                                              "reduction": "nonzero diff rows", "normalized": "true"])
    }

    /// Adds each row of positive − negative ([tokens, width] each) that has an element above the threshold to
    /// `sum`, in row order; returns how many rows were added.
    static func addNonZeroDiffRows(_ positive: [Float], _ negative: [Float], width: Int, into sum: inout [Float]) -> Int {
        var kept = 0
        var diff = [Float](repeating: 0, count: width)
        for row in 0 ..< positive.count / width {
            var nonZero = false
            for i in 0..<width {
                diff[i] = positive[row * width + i] - negative[row * width + i]
                if diff[i] > zeroThreshold { nonZero = true }
            }
            guard nonZero else { continue }
            for i in 0..<width { sum[i] += diff[i] }
            kept += 1
        }
        return kept
    }

    /// `v` / ||v|| with an f32 sum of squares, as mean.hpp does.
    static func normalized(_ v: [Float]) -> [Float] {
        var squares: Float = 0
        for x in v { squares += x * x }
        let norm = squares.squareRoot()
        return v.map { $0 / norm }
    }

    /// Sum over the rows of [rows, width] of each row's L2 norm (f64).
    static func rowNormSum(_ rows: [Float], width: Int) -> Double {
        var total = 0.0
        for row in 0 ..< rows.count / width {
            var squares = 0.0
            for i in 0..<width { squares += Double(rows[row * width + i]) * Double(rows[row * width + i]) }
            total += squares.squareRoot()
        }
        return total
    }
}
