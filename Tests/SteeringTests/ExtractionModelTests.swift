import Foundation
import GGUF
import KernelsCPU
import Llama
import Testing
import TestSupport
@testable import Steering

/// Extraction on the default model: llama.cpp's cvector mean method against the vector llama.cpp wrote, and
/// mean-diff against its definition over captured activations.
extension SteeringModelTests {
    @Suite("Extraction on the CPU backend") struct ExtractionModelTests {
        let model: LlamaModel<CPUBackend>
        init() throws { model = try SteeringModelFixture.cpu }

        /// The happy/sad training prompts of the golden cvector-happy-generations.json, as llama.cpp read them
        /// from its prompt files (literal "\n" escapes turned into newlines).
        static var trainingPairs: [ContrastivePair] {
            get throws {
                let prompts = try CVectorGoldens.shared.training_prompts
                return zip(prompts.positive, prompts.negative).map {
                    ContrastivePair(positive: LlamaCppPromptFile.processEscapes($0), negative: LlamaCppPromptFile.processEscapes($1))
                }
            }
        }

        @Test func cvectorMeanReproducesLlamaCpp() throws {
            let trainingPairs = try Self.trainingPairs
            #expect(trainingPairs.count == 20 && trainingPairs[0].positive.contains("\n"))
            let extracted = try CVectorMean.extract(model: model, tokenizer: SteeringModelFixture.tokenizer, pairs: trainingPairs)
            let golden = try GGUFFile(path: GoldenFile.vectorFile("cvector-happy.gguf"))
            #expect(extracted.method == "cvector-mean" && extracted.pairCount == 20 && extracted.width == 576)
            #expect(extracted.directions.keys.sorted() == Array(1...29), "llama.cpp writes direction.1 ... direction.29")
            var cosines: [Int: Double] = [:]
            for n in 1...29 {
                let tensor = try golden.tensor(named: "direction.\(n)")
                #expect(tensor.shape == [576])
                let reference = Array(try golden.tensorBytes(named: "direction.\(n)").assumingMemoryBound(to: Float.self))
                let ours = try #require(extracted.directions[n])
                let norm = ours.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - 1) < 1e-5, "direction.\(n) norm \(norm)")
                cosines[n] = cosine(ours, reference)
                #expect(cosines[n]! >= ModelTolerance.cvectorMeanCosine, "direction.\(n): cosine \(cosines[n]!) with llama.cpp's")
                #expect((extracted.meanResidualNorms[n] ?? 0) > 0)
            }
            // The block shift matters: each of our directions is closer to llama.cpp's for the same N than to its
            // neighbours' (direction.N is read from resid_post[N-1]; reading resid_post[N] would match N+1).
            var neighbourBest = 0.0
            for n in 1...29 {
                let ours = extracted.directions[n]!
                for m in [n - 1, n + 1] where (1...29).contains(m) {
                    let other = Array(try golden.tensorBytes(named: "direction.\(m)").assumingMemoryBound(to: Float.self))
                    let c = cosine(ours, other)
                    neighbourBest = max(neighbourBest, c)
                    #expect(c < cosines[n]!, "direction.\(n) is closer to llama.cpp's direction.\(m) (\(c)) than to its own (\(cosines[n]!))")
                }
            }
            let worst = cosines.min { $0.value < $1.value }!
            print("[cvector-mean] cosine with llama.cpp's cvector-happy.gguf: min \(worst.value) (direction.\(worst.key)), mean \(cosines.values.reduce(0, +) / 29); best cosine with a neighbouring block's \(neighbourBest)")
        }

        @Test func cvectorRefusesAPairWithNoDifference() throws {
            let same = ContrastivePair(positive: "<|im_start|>user\nHello", negative: "<|im_start|>user\nHello")
            #expect(throws: ExtractionError.identicalPair(pair: 1, layer: 0)) {
                try CVectorMean.extract(model: model, tokenizer: SteeringModelFixture.tokenizer, pairs: [try Self.trainingPairs[0], same])
            }
        }

        /// mean-diff is mean(positive rows) − mean(negative rows) of the same captured reduction, unnormalized.
        @Test(arguments: [TokenReduction.last, .mean])
        func meanDifferenceIsTheDifferenceOfCapturedMeans(_ reduction: TokenReduction) throws {
            let pairs = try Array(Self.trainingPairs.prefix(6))
            let layers = [3, 10, 29]
            let extracted = try MeanDifference.extract(model: model, tokenizer: SteeringModelFixture.tokenizer, pairs: pairs,
                                                       layers: layers, reduction: reduction)
            #expect(extracted.method == "mean-diff" && extracted.pairCount == 6 && extracted.directions.keys.sorted() == layers)
            let tokenizer = try SteeringModelFixture.tokenizer
            let request = CaptureRequest(site: .residPost, layers: layers, reduction: reduction)
            let positive = try ActivationCapture(model: model).capture(pairs.map { tokenizer.encode($0.positive).ids }, request)
            let negative = try ActivationCapture(model: model).capture(pairs.map { tokenizer.encode($0.negative).ids }, request)
            let w = try model.config.width
            for layer in layers {
                func mean(_ c: CapturedActivations) -> [Double] {
                    (0..<w).map { i in (0..<pairs.count).map { Double(c.layers[layer]![$0 * w + i]) }.reduce(0, +) / Double(pairs.count) }
                }
                let expected = zip(mean(positive), mean(negative)).map { Float($0 - $1) }
                expectClose(extracted.directions[layer]!, expected, nmse: 1e-10, "mean-diff at \(layer)")
                let norms = (positive.layers[layer]! + negative.layers[layer]!).chunked(w).map { $0.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
                let meanNorm = norms.reduce(0, +) / Double(norms.count)
                #expect(abs(Double(extracted.meanResidualNorms[layer]!) - meanNorm) <= 1e-4 * meanNorm)
                let directionNorm = extracted.directions[layer]!.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(directionNorm - 1) > 0.01, "mean-diff is not normalized (norm \(directionNorm))")
            }
        }
    }
}

extension Array {
    /// Consecutive slices of `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}
