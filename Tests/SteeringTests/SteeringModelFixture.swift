import Foundation
import GGUF
import KernelsCPU
import Llama
import Testing
import TestSupport
import Tokenizers

/// The model instance the Steering model tests share: the shape of `ModelFixture.cpuModel` (maxRows 160, 6 slots,
/// context 256) but its own run state, because LlamaTests' suites drive `ModelFixture.cpuModel` in the same test
/// process and a model serves one forward pass at a time. Every suite that runs it nests in `SteeringModelTests`,
/// whose `.serialized` applies to all of them.
enum SteeringModelFixture {
    nonisolated(unsafe) static let cpu: LlamaModel<CPUBackend> =
        try! LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 6, contextSize: 256, maxRows: 160)

    static let tokenizer: Tokenizer = try! Tokenizer(file: ModelFixture.file)
}

@Suite("Steering on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct SteeringModelTests {}

/// The parts of ../shared/golden/smollm2-q4_1.json these tests read: prompt tokens and the F32 flavour's
/// last-position hidden states (`field_notes` there: l2 norm and first 8 values of `l_out-L`, `ffn_inp-L`, ...).
struct HiddenStateGoldens: Decodable {
    struct Stats: Decodable { var l2: Double; var first8: [Double] }
    struct Flavour: Decodable { var last_pos_hidden: [String: Stats] }
    struct Prompt: Decodable { var id: String; var tokens: [Int32]; var reference_f32_weights: Flavour }
    var prompts: [Prompt]

    static let shared: HiddenStateGoldens = try! JSONDecoder().decode(
        HiddenStateGoldens.self, from: Data(contentsOf: sharedGoldenDirectory.appending(path: "smollm2-q4_1.json")))

    /// Relative l2 error of `x` against the golden statistics, and the first-8 values off by more than
    /// 1e-3·max(1, |golden|).
    static func compare(_ x: ArraySlice<Float>, _ golden: Stats) -> (relativeL2: Double, badValues: [Int]) {
        let l2 = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let bad = golden.first8.enumerated().filter { i, g in abs(Double(x[x.startIndex + i]) - g) > 1e-3 * max(1, abs(g)) }.map(\.offset)
        return (abs(l2 - golden.l2) / golden.l2, bad)
    }
}

/// Cosine similarity in f64.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, aa = 0.0, bb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); aa += Double(x) * Double(x); bb += Double(y) * Double(y) }
    return dot / (aa.squareRoot() * bb.squareRoot())
}
