import Foundation
import Testing

/// The parts of Tests/Goldens/smollm2-q4_1.json the model tests read (its README and `field_notes` describe
/// every field). Two flavours per prompt: llama.cpp's own Q4_1 path at the top level, and `reference_f32_weights`,
/// the same run on the exactly dequantized weights, which `--precision f32` must match.
public struct ModelGoldens: Decodable, Sendable {
    public struct HiddenStats: Decodable, Sendable {
        public var l2: Double
        public var absmax_index: Int
        public var first8: [Double]
    }
    public struct Flavour: Decodable, Sendable {
        public var last_top20: [[Double]]
        public var last_logsumexp: Double
        public var greedy_tokens: [Int32]
        public var greedy_top1_margins: [Double]
        public var last_pos_hidden: [String: HiddenStats]?
    }
    public struct Prompt: Decodable, Sendable {
        public var id: String
        public var text: String
        public var tokens: [Int32]
        /// `llama_token_to_piece(special: true)`; a piece that is not valid UTF-8 is written as "<0xHH>" per byte.
        public var token_pieces: [String]
        public var last_top20: [[Double]]
        public var greedy_tokens: [Int32]
        public var greedy_top1_margins: [Double]
        public var greedy_first_eog_index: Int
        public var last_pos_hidden: [String: HiddenStats]
        public var reference_f32_weights: Flavour
    }
    public var model_sha256: String
    public var prompts: [Prompt]

    public static let fileName = "smollm2-q4_1.json"
    private static let loaded = Result { try GoldenFile.decode(ModelGoldens.self, from: fileName) }

    /// The decoded file, read once; its error names the file.
    public static var shared: ModelGoldens { get throws { try loaded.get() } }

    public static func prompt(_ id: String) throws -> Prompt {
        try GoldenFile.entry(shared.prompts.first { $0.id == id }, in: fileName, named: "prompt \(id)")
    }

    public static func promptIDs() throws -> [String] { try shared.prompts.map(\.id) }
}

extension ModelGoldens.Prompt: CustomTestStringConvertible {
    public var testDescription: String { id }
}

extension ModelGoldens.Flavour {
    /// [(id, logit)] of the 20 largest logits at the last prompt position.
    public var top20: [(id: Int32, logit: Float)] { last_top20.top20 }
}

extension ModelGoldens.HiddenStats {
    /// How a captured row compares with these statistics: its relative l2 error, the indices among the first eight
    /// values that are off by more than `ModelTolerance.hiddenStateFirst8` * max(1, |golden|), the largest such
    /// scaled difference (to print beside the bound), and the index of its largest magnitude (-1 for an empty row).
    public func compare(_ x: ArraySlice<Float>)
        -> (relativeL2: Double, badFirst8: [Int], worstFirst8: Double, absmaxIndex: Int) {
        let l2 = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let scaled = first8.indices.map { i in
            x.indices.contains(x.startIndex + i)
                ? abs(Double(x[x.startIndex + i]) - first8[i]) / max(1, abs(first8[i])) : .infinity
        }
        let bad = scaled.indices.filter { scaled[$0] > ModelTolerance.hiddenStateFirst8 }
        let absmax = x.indices.max { abs(x[$0]) < abs(x[$1]) }.map { $0 - x.startIndex } ?? -1
        return (abs(l2 - self.l2) / max(self.l2, 1e-12), bad, scaled.max() ?? 0, absmax)
    }
}
