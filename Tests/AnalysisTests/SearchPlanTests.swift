import Testing
@testable import Analysis

/// The layer and hyperparameter search's split, plan, budget and choice rule (docs/analysis-search.md).
@Suite struct SearchPlanTests {
    /// TruthfulQA's 817 questions: fold 0 (0..<409) = extraction 0..<209 + validation 209..<409; fold 1 held out.
    @Test func theSplitKeepsValidationAndHeldOutQuestionsApart() throws {
        let split = try SearchSplit(questions: 817, validation: 200)
        #expect(split.trainingFold == 0..<409 && split.heldOutFold == 409..<817)
        #expect(split.extraction == 0..<209 && split.validation == 209..<409)
        #expect(split.extraction.upperBound == split.validation.lowerBound && split.validation.upperBound == split.heldOutFold.lowerBound)
        // Shards partition the validation questions by index mod n, as eval's --shard does.
        let shards = (0..<3).map { split.validation(shard: $0, of: 3) }
        #expect(shards.flatMap { $0 }.sorted() == Array(split.validation))
        #expect(shards[1].allSatisfy { $0 % 3 == 1 } && shards[1].first == 211)
        let odd = try SearchSplit(questions: 31, validation: 6)
        #expect(odd.trainingFold == 0..<16 && odd.extraction == 0..<10 && odd.validation == 10..<16 && odd.heldOutFold == 16..<31)
    }

    @Test func validationMustLeaveExtractionQuestions() throws {
        #expect(throws: SearchError("--validation 0: expected a whole number of questions >= 1")) { try SearchSplit(questions: 817, validation: 0) }
        #expect(throws: SearchError("--validation 405: the training fold has 409 questions and extraction needs at least 5 of them; give at most 404")) {
            try SearchSplit(questions: 817, validation: 405)
        }
        _ = try SearchSplit(questions: 817, validation: 404)
    }

    @Test func candidatesAndBudgetOfATinyGrid() throws {
        let split = try SearchSplit(questions: 817, validation: 6)
        let plan = try SearchPlan(methods: [.caa, .iti, .spherical], layers: [8, 4, 8],
                                  strengths: [.caa: [2, 1], .spherical: [0.6]], betas: [0.4, -0.05], split: split)
        #expect(plan.layers == [4, 8])
        #expect(plan.layerCandidates.map(\.name) == [
            "caa L4 multiplier=1", "caa L8 multiplier=1", "iti L4 alpha=15", "iti L8 alpha=15",
            "spherical L4 alpha=0.6 beta=-0.05", "spherical L8 alpha=0.6 beta=-0.05",
        ])
        let stage2 = plan.strengthCandidates(layers: [.caa: 8, .iti: 4, .spherical: 8])
        #expect(stage2.map(\.name) == [
            "caa L8 multiplier=1", "caa L8 multiplier=2", "iti L4 alpha=5", "iti L4 alpha=10", "iti L4 alpha=15", "iti L4 alpha=25",
            "spherical L8 alpha=0.6 beta=-0.05", "spherical L8 alpha=0.6 beta=0.4",
        ])
        let budget = plan.budget(validationQuestions: 6)
        // Stage 1: caa and spherical once over both layers, iti once per layer; 1 + 6 configurations.
        #expect(budget.layers == .init(extractions: 4, extractionQuestions: 4 * 403, configurations: 7, scoredPairs: 42))
        #expect(budget.strengths == .init(extractions: 0, extractionQuestions: 0, configurations: 9, scoredPairs: 54))
        #expect(budget.final == .init(extractions: 3, extractionQuestions: 3 * 409, configurations: 0, scoredPairs: 0))
        #expect(budget.heldOutPairs == 4 * 408)
        #expect(plan.budget(validationQuestions: 6, strengthsAlone: true).strengths.extractions == 3)
        #expect(abs(budget.seconds([budget.layers], perPair: 0.5, perExtractionQuestion: 0.1) - (21 + 161.2)) < 1e-9)
    }

    @Test func defaultGridsComeFromTheReleasedHyperparameters() throws {
        let plan = try SearchPlan(methods: [.caa, .iti, .spherical, .austeer], layers: [4], split: try SearchSplit(questions: 817, validation: 200))
        #expect(plan.strengths[.caa] == [0.5, 1, 2, 4] && plan.strengths[.iti] == [5, 10, 15, 25])
        #expect(plan.strengths[.spherical] == [0.5, 0.7, 0.9] && plan.strengths[.austeer] == [5, 20, 50, 100])
        #expect(plan.betas == [-0.4, -0.05, 0.4])
        #expect(plan.budget(validationQuestions: 200).strengths.configurations == 1 + 4 + 4 + 9 + 4)
    }

    @Test func badPlansAreNamed() throws {
        let split = try SearchSplit(questions: 817, validation: 6)
        #expect(throws: SearchError("--methods caa,foo: unknown method \"foo\"; the search tunes caa, iti, spherical, austeer, mean-diff")) {
            try SearchMethod.parseList("caa,foo")
        }
        #expect(throws: SearchError("--methods caa,caa: caa is given twice")) { try SearchMethod.parseList("caa,caa") }
        #expect(throws: SearchError("--strengths iti=...: iti is not among --methods caa")) {
            try SearchPlan(methods: [.caa], layers: [4], strengths: [.iti: [1]], split: split)
        }
        #expect(throws: SearchError("--betas 1.0: Spherical's gate threshold must lie in [-1, 1)")) {
            try SearchPlan(methods: [.spherical], layers: [4], betas: [1], split: split)
        }
        #expect(throws: SearchError("--layers: expected at least one block")) { try SearchPlan(methods: [.caa], layers: [], split: split) }
    }

    /// The winner is the highest MC2; ties go to MC1, then the lower layer, then the earlier row.
    @Test func theChoiceIsTheArgmaxWithItsTies() {
        func row(_ m: SearchMethod, _ layer: Int, _ strength: Float, mc1: Double, mc2: Double) -> SearchRow {
            SearchRow(candidate: SearchCandidate(method: m, layer: layer, strength: strength), mc1: mc1, mc2: mc2, mc3: 0,
                      items: 6, degenerateItems: 0)
        }
        let rows = [
            row(.caa, 12, 1, mc1: 0.2, mc2: 0.40), row(.caa, 8, 1, mc1: 0.3, mc2: 0.45), row(.caa, 4, 1, mc1: 0.3, mc2: 0.45),
            row(.caa, 16, 1, mc1: 0.5, mc2: 0.44),
            row(.iti, 4, 5, mc1: 0.1, mc2: 0.5), row(.iti, 4, 10, mc1: 0.2, mc2: 0.5), row(.iti, 4, 15, mc1: 0.2, mc2: 0.5),
        ]
        let best = SearchSelection.best(rows)
        #expect(best[.caa]?.candidate.layer == 4)               // MC2 and MC1 tie: the lower layer
        #expect(best[.iti]?.candidate.strength == 10)           // MC2 ties, MC1 higher; then the earlier row
        #expect(best[.spherical] == nil)
    }

    @Test func namesReadBack() {
        #expect(SearchCandidate(method: .spherical, layer: 14, strength: 0.7, beta: -0.05).fileStem == "spherical-L14-s0.7-b-0.05")
        #expect(SearchCandidate(method: .caa, layer: 2, strength: 4).fileStem == "caa-L2-s4")
        #expect(SearchCandidate.format(-2) == "-2" && SearchCandidate.format(0.25) == "0.25")
    }
}
