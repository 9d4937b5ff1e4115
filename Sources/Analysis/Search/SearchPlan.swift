/// What a search runs: the methods, the stage-1 layer grid, the stage-2 grids and the question split, and the compute
/// each stage takes (extractions and scored question × configuration pairs), known before anything runs.
public struct SearchPlan: Sendable, Equatable {
    public var methods: [SearchMethod]
    /// Stage 1's blocks, ascending.
    public var layers: [Int]
    /// Stage 2's strengths per method, ascending.
    public var strengths: [SearchMethod: [Float]]
    /// Spherical's stage-2 β values.
    public var betas: [Float]
    public var split: SearchSplit

    public init(methods: [SearchMethod], layers: [Int], strengths: [SearchMethod: [Float]] = [:], betas: [Float]? = nil,
                split: SearchSplit) throws {
        guard !methods.isEmpty else { throw SearchError("--methods: expected at least one method") }
        guard !layers.isEmpty else { throw SearchError("--layers: expected at least one block") }
        self.methods = methods
        self.layers = Array(Set(layers)).sorted()
        var grids: [SearchMethod: [Float]] = [:]
        for method in methods { grids[method] = Array(Set(strengths[method] ?? method.defaultStrengths)).sorted() }
        if let unused = strengths.keys.map(\.rawValue).sorted().first(where: { name in !methods.contains { $0.rawValue == name } }) {
            throw SearchError("--strengths \(unused)=...: \(unused) is not among --methods \(methods.map(\.rawValue).joined(separator: ","))")
        }
        for (method, grid) in grids where grid.isEmpty || grid.contains(where: { !$0.isFinite }) {
            throw SearchError("--strengths \(method.rawValue): expected finite numbers")
        }
        self.strengths = grids
        self.betas = Array(Set(betas ?? SearchMethod.defaultBetas)).sorted()
        if let bad = self.betas.first(where: { !($0 >= -1 && $0 < 1) }) {
            throw SearchError("--betas \(bad): Spherical's gate threshold must lie in [-1, 1)")
        }
        self.split = split
    }

    /// Stage 1: every method at every layer with its defaults, method by method.
    public var layerCandidates: [SearchCandidate] {
        methods.flatMap { method in layers.map { SearchCandidate.defaults(method, layer: $0) } }
    }

    /// Stage 2: each method's grid at its chosen layer (Spherical: every α with every β).
    public func strengthCandidates(layers chosen: [SearchMethod: Int]) -> [SearchCandidate] {
        methods.flatMap { method -> [SearchCandidate] in
            guard let layer = chosen[method] else { return [] }
            let grid = strengths[method]!
            if method == .spherical {
                return grid.flatMap { a in betas.map { SearchCandidate(method: method, layer: layer, strength: a, beta: $0) } }
            }
            return grid.map { SearchCandidate(method: method, layer: layer, strength: $0) }
        }
    }

    /// Extractions stage 1 runs: one per method over the whole grid, or one per layer for ITI and AUSteer.
    public var layerStageExtractions: Int {
        methods.map { $0.selectsAcrossBlocks ? layers.count : 1 }.reduce(0, +)
    }

    /// The compute of each stage: configurations scored (the unsteered model is scored beside each stage's
    /// candidates), scored pairs over `validationQuestions` questions, and extractions with the questions they read.
    /// `strengthsAlone`: stage 2 runs in its own process (`--stage strengths`), so it extracts each method's vector
    /// at its layer again instead of reusing stage 1's.
    public func budget(validationQuestions: Int, strengthsAlone: Bool = false) -> SearchBudget {
        let stage1 = layerCandidates.count + 1
        // Stage 2's size is known before stage 1 picks the layers: the grid does not depend on them.
        let stage2 = strengthCandidates(layers: Dictionary(uniqueKeysWithValues: methods.map { ($0, 0) })).count + 1
        let again = strengthsAlone ? methods.count : 0
        return SearchBudget(
            layers: .init(extractions: layerStageExtractions, extractionQuestions: layerStageExtractions * split.extraction.count,
                          configurations: stage1, scoredPairs: stage1 * validationQuestions),
            strengths: .init(extractions: again, extractionQuestions: again * split.extraction.count,
                             configurations: stage2, scoredPairs: stage2 * validationQuestions),
            final: .init(extractions: methods.count, extractionQuestions: methods.count * split.trainingFold.count,
                         configurations: 0, scoredPairs: 0),
            heldOutPairs: (methods.count + 1) * split.heldOutFold.count)
    }
}

/// The compute a search uses, stage by stage. Stage 2 extracts nothing: its variants rewrite the strength (and β) of
/// the stage-1 file at the chosen layer. The final stage re-extracts each method on the whole training fold.
public struct SearchBudget: Sendable, Equatable, Codable {
    public struct Stage: Sendable, Equatable, Codable {
        public var extractions: Int
        /// TruthfulQA questions those extractions read, summed over them.
        public var extractionQuestions: Int
        /// Configurations scored, the unsteered one included.
        public var configurations: Int
        /// Question × configuration pairs scored.
        public var scoredPairs: Int

        enum CodingKeys: String, CodingKey { case extractions, configurations, extractionQuestions = "extraction_questions", scoredPairs = "scored_pairs" }
    }

    public var layers: Stage
    public var strengths: Stage
    public var final: Stage
    /// Pairs the final held-out score (`veer eval mc --fold 1/2 --configs`) takes: every method and the unsteered
    /// model on fold 1. Not part of the search.
    public var heldOutPairs: Int

    enum CodingKeys: String, CodingKey { case layers, strengths, final, heldOutPairs = "held_out_pairs" }

    /// Seconds of `stages`, from a cost per scored pair and per question an extraction reads.
    public func seconds(_ stages: [Stage], perPair: Double, perExtractionQuestion: Double) -> Double {
        stages.map { Double($0.scoredPairs) * perPair + Double($0.extractionQuestions) * perExtractionQuestion }.reduce(0, +)
    }
}
