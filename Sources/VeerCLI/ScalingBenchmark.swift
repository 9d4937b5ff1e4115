import Analysis
import Foundation
import Kernels
import Llama
import Tokenizers

/// How time grows with length (`veer bench generate --scaling`): for each length L, a prefill of an L-token prompt
/// (timed) and then decode steps at context L (timed per token). Decode per token should grow linearly in L (the
/// attention reads L cached positions; everything else is fixed), prefill faster than linearly only through the
/// attention's L² term. A least-squares line through decode's points makes the first claim checkable.
struct ScalingFigures: Encodable {
    var lengths: [Int]
    var prefill_ms: [Double]
    var prefill_tok_s: [Double]
    var decode_ms_per_token: [Double]
    /// decode ms/token ≈ intercept + slope · L: the fixed cost of a step and the cost per cached position.
    var decode_fit_intercept_ms: Double
    var decode_fit_slope_us_per_token: Double
    /// How well the line fits (1 = exactly).
    var decode_fit_r2: Double
}

enum ScalingBenchmark {
    static let defaultLengths = [128, 256, 512, 1024, 2048, 4096]

    /// `model` must hold the longest length plus `decodeTokens` + 1 positions.
    static func measure<B: ComputeBackend>(model: LlamaModel<B>, tokenizer: Tokenizer, addBOS: Bool, lengths: [Int],
                                           decodeTokens: Int) throws -> ScalingFigures {
        let generator = try Generator(model: model)
        var prefill: [Double] = [], decode: [Double] = []
        // One warm-up at the shortest length, so the first point does not carry first-touch costs.
        for (i, length) in ([lengths[0]] + lengths).enumerated() {
            let prompt = GenerateBenchmarkPlan.prompt(length, tokenizer: tokenizer, addBOS: addBOS)
            let result = try generator.generate(prompt: prompt, maxTokens: decodeTokens + 1,
                                                sampling: SamplerSettings(temperature: 0), stopTokens: [], ignoreEOS: true)
            guard i > 0 else { continue }
            prefill.append(1000 * result.prefillSeconds)
            decode.append(1000 * result.decodeSeconds / Double(result.tokens.count - 1))
        }
        let fit = LinearFit(x: lengths.map(Double.init), y: decode)
        return ScalingFigures(lengths: lengths, prefill_ms: prefill,
                              prefill_tok_s: zip(lengths, prefill).map { Double($0) / ($1 / 1000) },
                              decode_ms_per_token: decode, decode_fit_intercept_ms: fit.intercept,
                              decode_fit_slope_us_per_token: 1000 * fit.slope, decode_fit_r2: fit.r2)
    }

    /// The table `--scaling` prints.
    static func table(_ figures: ScalingFigures, backend: String) -> String {
        var lines = ["\(backend): scaling with length",
                     "  length   prefill ms   prefill tok/s   decode ms/token"]
        for i in figures.lengths.indices {
            lines.append(String(format: "  %6d   %10.1f   %13.1f   %15.3f", figures.lengths[i], figures.prefill_ms[i],
                                figures.prefill_tok_s[i], figures.decode_ms_per_token[i]))
        }
        lines.append(String(format: "  decode ≈ %.3f ms + %.3f µs × context (R² %.4f)", figures.decode_fit_intercept_ms,
                            figures.decode_fit_slope_us_per_token, figures.decode_fit_r2))
        return lines.joined(separator: "\n")
    }

    /// Two panels side by side: prefill ms against prompt length, decode ms/token against context length, one line
    /// per backend.
    static func plot(_ series: [(backend: String, figures: ScalingFigures)]) -> String {
        let prefill = LineChart(title: "Prefill time", xLabel: "prompt tokens", yLabel: "ms",
                                series: series.map { .init(name: $0.backend, points: zip($0.figures.lengths, $0.figures.prefill_ms).map { (Double($0), $1) }) })
        let decode = LineChart(title: "Decode time per token", xLabel: "context tokens", yLabel: "ms / token",
                               series: series.map { .init(name: $0.backend, points: zip($0.figures.lengths, $0.figures.decode_ms_per_token).map { (Double($0), $1) }) })
        return LineChart.document([prefill, decode])
    }
}
