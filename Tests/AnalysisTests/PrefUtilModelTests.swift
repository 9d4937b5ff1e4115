import Evaluation
import Foundation
import KernelsCPU
import Llama
import Steering
import Testing
import TestSupport
import Tokenizers
@testable import Analysis

/// prefutil on the default model (release builds): the m = 0 row is the unsteered model's scores bit for bit, and the
/// steering reaches the other rows.
@Suite("prefutil on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct PrefUtilModelTests {
    nonisolated(unsafe) static let model = Result {
        try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 4, contextSize: 96, maxRows: 256)
    }

    /// A random additive edit at block 10, on every position, scaled by the multiplier.
    static func steering(width: Int, multiplier m: Double) -> ScoringSteering {
        var random = SeededRandom(seed: 11)
        let vector = random.unitVector(width).map { $0 * 6 * Float(m) }
        return ScoringSteering { request in
            SequenceSteering(edits: [SiteKey(block: 10, site: .residPost): SiteEdit(add: vector)],
                             positions: .all, span: SequenceSpan(promptLength: request.prompt.count))
        }
    }

    @Test func zeroMultiplierRowIsTheUnsteeredScoresExactly() throws {
        let model = try Self.model.get()
        let tokenizer = try Tokenizer(metadata: ModelFixture.file.metadata)
        let template = try ChatTemplate(metadata: ModelFixture.file.metadata)
        let pairs = [PolarityPair(id: "1", question: "Is the sky blue on a clear day?", positive: "Yes, it is blue.", negative: "No, it is green."),
                     PolarityPair(id: "2", question: "Pick one.\n (A) Help\n (B) Refuse", positive: "(A) Help", negative: "(B) Refuse",
                                  positiveLetter: "A", negativeLetter: "B")]
        let tokenized = try TokenizedTask(items: try pairs.enumerated().map { try PairRendering.full.item($1, index: $0) },
                                          tokenizer: tokenizer, template: template, addBOS: tokenizer.vocabulary.addsBOS)
        let scorer = try MCScorer(model: model)
        var asked: [Double] = []
        let rows = try PrefUtilMeasurement.measure(scorer: scorer, tokenized: tokenized, multipliers: [-1, 0, 1],
                                                   loss: .meanToken) { m in
            asked.append(m)
            return Self.steering(width: model.config.width, multiplier: m)
        }
        #expect(asked == [-1, 1])
        // Unsteered, each answer alone from scratch (no prefix reuse, no batching).
        let unsteered = PrefUtilMeasurement.observations(tokenized, try scorer.scoreEachAlone(tokenized.requests), loss: .meanToken)
        #expect(rows[1] == unsteered)
        #expect(rows[1].allSatisfy { !$0.degenerate && $0.positiveLoss > 0 && $0.negativeLoss > 0 })
        #expect(rows[0] != rows[1] && rows[2] != rows[1], "the steering changed no loss")
        #expect(rows[1].map(\.positiveTokens) == tokenized.placements.map { tokenized.requests[$0[0].request].continuations[$0[0].continuation].count })
    }
}
