import Foundation
import Kernels
import Llama
import Testing

/// Tests/Goldens/arch/<name>.json: llama.cpp's outputs on one model of another architecture (Gemma 3 270M, or a
/// synthetic model that `tools/synthetic-models.py` regenerates), made by `tools/arch-goldens/make_goldens.py`.
/// Each file states its settings, flavours and tolerances; `reference` is the run Veer's f32 path must match
/// (exact-GELU llama.cpp on the F32 weights).
public struct ArchGoldens: Decodable, Sendable {
    public struct ModelFile: Decodable, Sendable {
        public var file: String
        public var sha256: String
    }
    public struct Run: Decodable, Sendable {
        /// [token id, logit] × 20, descending.
        public var last_top20: [[Double]]
        public var last_logsumexp: Double
        public var greedy_tokens: [Int32]
        public var greedy_top1_margins: [Double]

        public var top20: [(id: Int32, logit: Float)] { last_top20.top20 }
    }
    public struct Prompt: Decodable, Sendable {
        public var id: String
        public var tokens: [Int32]
        public var runs: [String: Run]
    }
    public struct Tolerances: Decodable, Sendable {
        public var last_top20_abs: Float
        public var near_tie_margin: Double
    }
    public var models: [String: ModelFile]
    public var prompts: [Prompt]
    public var tolerances: Tolerances
    /// Which file this is (for messages).
    public var name: String { fileName ?? "arch goldens" }
    private var fileName: String?

    private enum CodingKeys: String, CodingKey { case models, prompts, tolerances }

    /// The decoded `arch/<name>.json`; its error names the file.
    public static func load(_ name: String) throws -> ArchGoldens {
        var goldens = try GoldenFile.decode(ArchGoldens.self, from: "arch/\(name).json")
        goldens.fileName = "arch/\(name).json"
        return goldens
    }

    /// The reference run of a prompt (`f32_exact_gelu`, or `<model>_f32_exact_gelu` for a quantized synthetic file).
    public func reference(_ prompt: Prompt, run: String = "f32_exact_gelu") throws -> Run {
        try GoldenFile.entry(prompt.runs[run], in: name, named: "run '\(run)' for prompt \(prompt.id)")
    }
}

/// The golden checks of one architecture on one backend: each prompt's last-position top-20 within the file's
/// tolerance, and teacher-forced greedy tokens equal up to the first near-tie.
public enum ArchGoldenChecks {
    /// Prompt plus the reference greedy tokens in one forward pass; returns the worst top-20 difference.
    @discardableResult
    public static func check<B: ComputeBackend>(_ model: LlamaModel<B>, _ goldens: ArchGoldens, prompt: ArchGoldens.Prompt,
                                                context: String, run: String = "f32_exact_gelu",
                                                sourceLocation: SourceLocation = #_sourceLocation) throws -> Float {
        let reference = try goldens.reference(prompt, run: run)
        let forced = prompt.tokens + reference.greedy_tokens.dropLast()
        var batch = ForwardBatch.prefill(forced)
        batch.logitRows = Array(prompt.tokens.count - 1 ..< forced.count)
        try model.forward(batch)
        let rows = try model.readLogits(rows: batch.logitRows.count)
        let worst = expectMatchesTop20(rows[0], golden: reference.top20, tolerance: goldens.tolerances.last_top20_abs,
                                       topOneMargin: Float(goldens.tolerances.near_tie_margin), context: context,
                                       sourceLocation: sourceLocation)
        // Teacher-forced: every step sees the reference's tokens, so each step's argmax is compared on its own;
        // a step whose reference margin is a near tie may go either way.
        for (step, pick) in argmaxRows(rows).enumerated()
        where reference.greedy_top1_margins[step] >= goldens.tolerances.near_tie_margin {
            #expect(pick == reference.greedy_tokens[step],
                    "\(context) step \(step): \(pick) != \(reference.greedy_tokens[step]) (margin \(reference.greedy_top1_margins[step]))",
                    sourceLocation: sourceLocation)
        }
        return worst
    }
}
