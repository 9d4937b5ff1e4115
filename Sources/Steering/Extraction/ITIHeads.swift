import Kernels
import Llama

/// Inference-Time Intervention (steering-methods.md §1.4): per-head logistic probes on `heads_concat` at the last
/// token of "Q: {q} A: {a}" for every TruthfulQA MC2 answer, a question-level held-out split (20 % of the questions
/// for validation), the top K heads by validation accuracy, each head's centre-of-mass direction θ (over all texts)
/// and σ, the standard deviation of the projections onto θ of a tuning set: "Q: {q} A: {a} Q: {the next question}"
/// (honest_llama appends a random other question; the next one, cyclically, keeps the run deterministic). The result
/// adds α·σ·θ to each selected head's slice of `heads_concat`: σ·θ is folded into the stored vector, α is the
/// strength, positions from:answer-start (the legacy semantics).
public enum ITIHeads {
    /// The method name vector files record.
    public static let method = "iti"
    /// honest_llama's defaults: K = 48 heads, α = 15.
    public static let defaultHeads = 48, defaultAlpha: Float = 15

    /// The extraction and the ranking it chose from.
    public struct Result: Sendable {
        public var extracted: ExtractedDirections
        /// Every head, best first.
        public var ranking: [HeadProbes.Probe]
        /// The selected heads with their σ.
        public var selected: [(probe: HeadProbes.Probe, sigma: Double)]
    }

    /// `encode` turns a text into the tokens it runs as (BOS, template). `layers`: the blocks probed (all in ITI).
    public static func extract<B: ComputeBackend>(model: LlamaModel<B>, questions: [TruthfulQAQuestion],
                                                  encode: (String) -> [Int32], layers: [Int], heads: Int, alpha: Float,
                                                  source: String, progress: CaptureProgress? = nil) throws -> Result {
        guard heads >= 1 else { throw ExtractionError.badValue(option: "--heads", value: "\(heads)", expected: "a whole number >= 1") }
        guard questions.count >= 2 else {
            throw ExtractionError.badValue(option: "--questions", value: "\(questions.count) question(s) of \(source)",
                                           expected: "at least 2 questions: ITI holds 20 % of them out for validation")
        }
        let validationQuestions = HeadProbes.validationQuestions(count: questions.count)
        var texts: [[Int32]] = [], tuning: [[Int32]] = [], labels: [Bool] = [], isValidation: [Bool] = []
        for (index, question) in questions.enumerated() {
            let next = questions[(index + 1) % questions.count].question
            for (answer, entry) in question.answers.enumerated() {
                texts.append(encode(question.text(answer: answer)))
                tuning.append(encode(question.text(answer: answer) + " Q: \(next)"))
                labels.append(entry.isTrue)
                isValidation.append(validationQuestions.contains(index))
            }
        }
        for (part, mask) in [("training", isValidation.map(!)), ("validation", isValidation)] {
            for (label, name) in [(true, "true"), (false, "false")] where !zip(labels, mask).contains(where: { $0 == label && $1 }) {
                throw ExtractionError.emptyClass(class: "\(name) answers in the \(part) questions", source: source)
            }
        }
        let config = model.config
        let request = CaptureRequest(site: .headsConcat, layers: layers, reduction: .last)
        let total = texts.count + tuning.count
        let captured = try ActivationCapture(model: model, progress: progress.map { report in { done, _ in report(done, total) } })
            .capture(texts, request)
        let ranking = HeadProbes.rank(rows: captured.layers, labels: labels, isValidation: isValidation,
                                      headDimension: config.headDim)
        let chosen = Array(ranking.prefix(min(heads, ranking.count)))
        let tuningLayers = Array(Set(chosen.map { $0.layer })).sorted()
        let tuningCapture = try ActivationCapture(model: model, progress: progress.map { report in { done, _ in report(texts.count + done, total) } })
            .capture(tuning, CaptureRequest(site: .headsConcat, layers: tuningLayers, reduction: .last))
        var vectors: [Int: [Float]] = [:], selected: [(probe: HeadProbes.Probe, sigma: Double)] = []
        for probe in chosen {
            let theta = HeadProbes.direction(rows: captured.layers[probe.layer]!, labels: labels, head: probe.head,
                                             headDimension: config.headDim)
            let sigma = HeadProbes.sigma(tuningRows: tuningCapture.layers[probe.layer]!, texts: tuning.count, head: probe.head,
                                         headDimension: config.headDim, direction: theta)
            var vector = vectors[probe.layer] ?? [Float](repeating: 0, count: config.qWidth)
            for j in 0..<config.headDim { vector[probe.head * config.headDim + j] = Float(sigma * theta[j]) }
            vectors[probe.layer] = vector
            selected.append((probe, sigma))
        }
        var norms: [Int: Float] = [:]
        for layer in vectors.keys {
            norms[layer] = Float(CVectorMean.rowNormSum(captured.layers[layer]!, width: config.qWidth) / Double(texts.count))
        }
        let extracted = ExtractedDirections(
            width: config.qWidth, directions: vectors, meanResidualNorms: norms, method: method,
            pairCount: texts.count, inputKind: "texts",
            settings: ["site": HookSite.headsConcat.rawValue, "reduction": "last", "heads": "\(chosen.count)",
                       "questions": "\(questions.count)", "validation_questions": "\(validationQuestions.count)",
                       "sigma_theta_folded": "true"],
            application: ExtractedApplication(operation: .add, site: .headsConcat, method: .iti,
                                              positions: .fromAnswerStart, strength: alpha))
        return Result(extracted: extracted, ranking: ranking, selected: selected)
    }
}
