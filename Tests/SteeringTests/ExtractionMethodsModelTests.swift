import Foundation
import GGUF
import KernelsCPU
import Llama
import Testing
import TestSupport
import Tokenizers
@testable import Steering

/// The new extraction methods on the default model, through the library: what they read, and that the files they
/// write load back into the steering entries `--steer` applies.
extension SteeringModelTests {
    @Suite("Extraction methods on the CPU backend") struct ExtractionMethodsModelTests {
        let model: LlamaModel<CPUBackend>
        let tokenizer: Tokenizer
        init() throws { model = try SteeringModelFixture.cpu; tokenizer = try SteeringModelFixture.tokenizer }

        func tokens(_ text: String) -> [Int32] { tokenizer.encode(text, parseSpecial: true).ids }

        /// Writes `extracted` as the CLI does, reads it back and turns it into an entry.
        func roundTrip(_ extracted: ExtractedDirections) throws -> (SteeringVector, SteeringEntry) {
            let info = extracted.application.applied(to: VectorInfo(method: extracted.method))
            let vector = try SteeringVector(directions: extracted.directions, info: info, name: "extracted")
            let path = FileManager.default.temporaryDirectory.appending(path: "veer-extracted-\(UUID().uuidString).gguf").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try vector.write(to: path)
            let loaded = try SteeringVector.load(path: path)
            #expect(loaded.directions == vector.directions && loaded.info.operation == info.operation)
            return (loaded, try SteeringEntry(vector: loaded))
        }

        @Test func caaReadsTheLetterAsTheLastToken() throws {
            let template = try ChatTemplate(metadata: ModelFixture.file.metadata)
            let ids = CAAVector.tokens(question: "Pick one.\n\n (A) x\n (B) y", letter: "B", template: template,
                                       tokenizer: tokenizer, addBOS: false)
            #expect(tokenizer.decode(Array(ids.suffix(2))) == "(B", "the assistant turn is '(' then the letter")
            #expect(tokenizer.decode([ids.last!]) == "B")
            let items = [CAAItem(question: "Do you help?\n\n (A) Yes\n (B) No", matchingLetter: "A", notMatchingLetter: "B")]
            let extracted = try CAAVector.extract(model: model, tokenizer: tokenizer, template: template, addBOS: false,
                                                  items: items, layers: [5])
            // One item: the vector is exactly matching − non-matching at the last token.
            let request = CaptureRequest(site: .residPost, layers: [5], reduction: .last)
            let captured = try ActivationCapture(model: model).capture(
                [CAAVector.tokens(question: items[0].question, letter: "A", template: template, tokenizer: tokenizer, addBOS: false),
                 CAAVector.tokens(question: items[0].question, letter: "B", template: template, tokenizer: tokenizer, addBOS: false)],
                request)
            let w = model.config.width
            let expected = (0..<w).map { captured.layers[5]![$0] - captured.layers[5]![w + $0] }
            #expect(zip(extracted.directions[5]!, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
            let (_, entry) = try roundTrip(extracted)
            #expect(entry.method == .additive && entry.positions == .all)
        }

        @Test func sphericalPrototypeIsTheUnitDifferenceOfUnpairedMeans() throws {
            let positive = ["Q: Is the sky blue? A: Yes.", "Q: Do fish swim? A: Yes.", "Q: Is ice cold? A: Yes."]
            let negative = ["Q: Is the sky blue? A: No."]
            let extracted = try SphericalPrototype.extract(model: model, positive: positive.map(tokens),
                                                           negative: negative.map(tokens), layers: [8],
                                                           gate: .gated(kappa: 20, beta: -0.05), strength: 0.6)
            let means = try MeanDifference.classMeans(model: model, positive: positive.map(tokens), negative: negative.map(tokens), layers: [8])
            #expect(means.positiveCount == 3 && means.negativeCount == 1)
            let difference = means.differences[8]!
            let norm = difference.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(zip(extracted.directions[8]!, difference).allSatisfy { abs(Double($0) - Double($1) / norm) < 1e-6 })
            let (_, entry) = try roundTrip(extracted)
            #expect(entry.method == .spherical && entry.strength == 0.6 && entry.positions == .fromPromptEnd)
            guard case .rotate(8, let rotation) = entry.interventions.first else { Issue.record("\(entry)"); return }
            #expect(rotation.kappa == 20 && rotation.beta == -0.05 && rotation.problem() == nil)
        }

        @Test func austeerAndITIFilesBecomeUnitScalingsAndHeadEdits() throws {
            let pairs = [("I love it", "I hate it"), ("What a great day", "What an awful day"), ("So happy", "So sad")]
            let austeer = try AUSteerUnits.extract(model: model, positive: pairs.map { tokens($0.0) },
                                                   negative: pairs.map { tokens($0.1) }, site: .mlpOut, layers: Array(0..<30),
                                                   k: 4, alpha: 5)
            let (_, scaling) = try roundTrip(austeer)
            let units = scaling.interventions.flatMap { intervention -> [Intervention.Unit] in
                guard case .scaleUnits(_, .mlpOut, let units, 1) = intervention else { return [] }
                return units
            }
            #expect(units.count == 4 && scaling.strength == 5 && scaling.method == .austeer)
            #expect(units.allSatisfy { abs($0.coefficient) == 1 }, "3 pairs that all agree give |b| = 1: \(units)")

            let questions = (0..<5).map { i in
                TruthfulQAQuestion(question: "Is \(i) + \(i) equal to \(2 * i)?",
                                   answers: [("Yes, it is \(2 * i).", true), ("No, it is \(2 * i + 3).", false)])
            }
            let iti = try ITIHeads.extract(model: model, questions: questions, encode: tokens, layers: [3, 10], heads: 3,
                                           alpha: 15, source: "test questions")
            #expect(iti.ranking.count == 2 * model.config.heads && iti.selected.count == 3)
            let (vector, entry) = try roundTrip(iti.extracted)
            #expect(vector.width == model.config.qWidth && entry.method == .iti && entry.strength == 15)
            #expect(entry.positions == .fromAnswerStart)
            for (probe, sigma) in iti.selected {
                let slice = vector.directions[probe.layer]![probe.head * 64 ..< (probe.head + 1) * 64]
                let norm = slice.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - sigma) < 1e-5 * max(1, sigma), "head \(probe.head) of block \(probe.layer): |σθ| = σ")
            }
        }
    }
}
