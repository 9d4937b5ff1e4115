import Foundation
import Kernels
import Llama
import Testing

/// Compares a position's logits with a golden top-20: within `tolerance` on the ids both lists share, at least 18
/// shared, top-1 equal unless the golden margin there is below 0.1.
func expectMatchesTop20(_ logits: [Float], golden: [(id: Int32, logit: Float)], tolerance: Float = 0.01,
                        context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
    let ours = Set(order.prefix(20).map { Int32($0) })
    let shared = golden.filter { ours.contains($0.id) }
    #expect(shared.count >= 18, "\(context): only \(shared.count) of the golden top-20 ids are in ours", sourceLocation: sourceLocation)
    let worst = golden.map { abs(logits[Int($0.id)] - $0.logit) }.max() ?? 0
    let worstShared = shared.map { abs(logits[Int($0.id)] - $0.logit) }.max() ?? 0
    #expect(worstShared <= tolerance, "\(context): max |logit - golden| on shared ids = \(worstShared) (all 20: \(worst))",
            sourceLocation: sourceLocation)
    if golden[0].logit - golden[1].logit >= 0.1 {
        #expect(Int32(order[0]) == golden[0].id, "\(context): top-1 \(order[0]) != golden \(golden[0].id)", sourceLocation: sourceLocation)
    }
}

@Suite("SmolLM2 on the CPU backend against llama.cpp F32 goldens", .enabled(if: ModelFixture.enabled), .serialized)
struct CPUGoldenTests {
    @Test(arguments: ModelGoldens.promptIDs) func lastPositionTop20(_ id: String) throws {
        let golden = ModelGoldens.prompt(id)
        let model = ModelFixture.cpuModel
        try model.forward(.prefill(golden.tokens))
        let logits = try model.readLogits(rows: 1)[0]
        expectMatchesTop20(logits, golden: golden.reference_f32_weights.top20, context: "\(id) cpu")
    }
}
