import Foundation
import TestSupport

/// The parts of ../shared/golden/smollm2-q4_1.json the model tests read (its README and `field_notes` describe
/// every field). Two flavours per prompt: llama.cpp's own Q4_1 path at the top level, and `reference_f32_weights`,
/// the same run on the exactly dequantized weights, which `--precision f32` must match.
struct ModelGoldens: Decodable {
    struct HiddenStats: Decodable {
        var l2: Double
        var absmax_index: Int
        var first8: [Double]
    }
    struct Flavour: Decodable {
        var last_top20: [[Double]]
        var last_logsumexp: Double
        var greedy_tokens: [Int32]
        var greedy_top1_margins: [Double]
        var last_pos_hidden: [String: HiddenStats]?
    }
    struct Prompt: Decodable {
        var id: String
        var text: String
        var tokens: [Int32]
        var last_top20: [[Double]]
        var greedy_tokens: [Int32]
        var greedy_top1_margins: [Double]
        var greedy_first_eog_index: Int
        var last_pos_hidden: [String: HiddenStats]
        var reference_f32_weights: Flavour
    }
    var model_sha256: String
    var prompts: [Prompt]

    static let shared: ModelGoldens = {
        let data = try! Data(contentsOf: goldenDirectory.appending(path: "smollm2-q4_1.json"))
        return try! JSONDecoder().decode(ModelGoldens.self, from: data)
    }()

    static let goldenDirectory: URL = sharedGoldenDirectory

    static func prompt(_ id: String) -> Prompt { shared.prompts.first { $0.id == id }! }
    static var promptIDs: [String] { shared.prompts.map(\.id) }
}

extension ModelGoldens.Flavour {
    /// [(id, logit)] of the 20 largest logits at the last prompt position.
    var top20: [(id: Int32, logit: Float)] { last_top20.map { (Int32($0[0]), Float($0[1])) } }
}
