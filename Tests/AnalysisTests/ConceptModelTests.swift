import Analysis
import Foundation
import KernelsCPU
import Llama
import Steering
import Testing
import TestSupport
import Tokenizers

/// The default model with room for a small sweep (8 slots of 512 positions: a chat prompt and 16 tokens, or a judge
/// prompt with a completion), its tokenizer and template, the happy control vector and the labelled set.
enum ConceptFixture {
    nonisolated(unsafe) private static let loadedCPU = Result {
        try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 8, contextSize: 512, maxRows: 256)
    }
    static var cpu: LlamaModel<CPUBackend> { get throws { try loadedCPU.get() } }
    private static let loadedTokenizer = Result { try Tokenizer(file: ModelFixture.file) }
    static var tokenizer: Tokenizer { get throws { try loadedTokenizer.get() } }
    static var template: ChatTemplate { get throws { try ChatTemplate(metadata: ModelFixture.file.metadata) } }
    static var happy: SteeringVector { get throws { try SteeringVector.load(path: GoldenFile.vectorFile("cvector-happy.gguf")) } }
    static let judgeFolder = TestFileLocations.data.appending(path: "judge")
    static var labelledSet: [LabelledCompletion] {
        get throws { try LabelledCompletion.load(path: judgeFolder.appending(path: "completions.jsonl").path) }
    }
    static func lexicon(_ concept: String) throws -> ConceptLexicon {
        try ConceptLexicon.load(path: judgeFolder.appending(path: "\(concept).words").path)
    }
    static func judge() throws -> ConceptJudge<CPUBackend> {
        try ConceptJudge(model: cpu, tokenizer: tokenizer, template: template, name: "SmolLM2-135M-Instruct Q4_1")
    }
}

@Suite("Concept probability on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct ConceptModelTests {
    @Test func judgeReadsBothAnswersAndAgreesWithItsOwnPromptTokens() throws {
        let judge = try ConceptFixture.judge()
        let tokenizer = try ConceptFixture.tokenizer
        #expect(judge.yesTokens.contains { tokenizer.decode([$0]) == "1" } && judge.noTokens.contains { tokenizer.decode([$0]) == "0" })
        let prompt = tokenizer.decode(judge.promptTokens(text: "I am so happy!", concept: "joy"), renderSpecial: true)
        #expect(prompt.contains(JudgePrompt.render(text: "I am so happy!", concept: "joy")) && prompt.hasSuffix("assistant\n"))
        let verdicts = try judge.judge(["I am so happy!", "The train is late."], concept: "joy")
        #expect(verdicts.count == 2 && verdicts.allSatisfy { (0...1).contains($0.probabilityYes) && $0.answerMass > 0 })
        #expect(verdicts.allSatisfy { $0.label == ($0.probabilityYes > 0.5 ? 1 : 0) })
    }

    /// The default model judging the repository's labelled set (its numbers are printed for docs/analysis-concept.md).
    @Test func judgeAccuracyOnTheLabelledSet() throws {
        let judge = try ConceptFixture.judge()
        let set = try ConceptFixture.labelledSet
        for concept in ["refusal", "joy"] {
            let accuracy = try judge.accuracy(on: set, concept: concept)
            let lexicon = try JudgeAccuracy.lexicon(try ConceptFixture.lexicon(concept), on: set, concept: concept)
            #expect(accuracy.items == lexicon.items && accuracy.items >= 24)
            #expect(accuracy.rankAUC != nil && lexicon.rankAUC == nil)
            #expect(accuracy.truePositive + accuracy.falseNegative == lexicon.truePositive + lexicon.falseNegative)
            print("judge accuracy \(concept): \(accuracy.accuracy) (label 1: \(accuracy.accuracyPositive ?? .nan), label 0: \(accuracy.accuracyNegative ?? .nan); TP \(accuracy.truePositive) FP \(accuracy.falsePositive) TN \(accuracy.trueNegative) FN \(accuracy.falseNegative); rank AUC \(accuracy.rankAUC ?? .nan)); lexicon \(lexicon.accuracy)")
        }
    }

    /// A tiny sweep: 2 prompts × 3 strengths × 2 samples × 16 tokens, judged by the model itself and by the lexicon.
    /// The α = 0 completions are exactly the unsteered model's with the same seeds.
    @Test func tinySweepLabelsEveryCompletion() throws {
        let model = try ConceptFixture.cpu, tokenizer = try ConceptFixture.tokenizer, template = try ConceptFixture.template
        let prompts = ["Tell me about your day.", "Describe the weather."].map {
            ConceptPrompt(text: $0, tokenizer: tokenizer, template: template)
        }
        var settings = ConceptSweepSettings(concept: "joy", alphas: [-4, 4])
        settings.samplesPerPrompt = 2
        settings.maxTokens = 16
        settings.sampling.seed = 3
        let steering = ConceptSteering(entries: [try SteeringEntry(vector: try ConceptFixture.happy)])
        let clock = Date()
        let result = try ConceptSweep.run(model: model, tokenizer: tokenizer, prompts: prompts, steering: steering,
                                          settings: settings, judge: try ConceptFixture.judge(),
                                          lexicon: try ConceptFixture.lexicon("joy"), labelledSet: try ConceptFixture.labelledSet)
        print("tiny concept sweep: \(Date().timeIntervalSince(clock)) s (generation \(result.generationSeconds) s, judging \(result.judgingSeconds) s)")
        #expect(result.rows.map(\.alpha) == [-4, 0, 4])
        for row in result.rows {
            #expect(row.completions == 4)
            #expect(row.judge!.labelled + row.degenerate == 4 && row.lexicon!.labelled + row.degenerate == 4)
            #expect(row.examples.count == min(3, 4 - row.degenerate))
            #expect(row.examples.allSatisfy { $0.judge != nil && $0.lexiconLabel != nil })
        }
        #expect(result.rows[1].degenerate == 0)
        #expect(result.judgeAccuracy?.concept == "joy" && result.lexiconAccuracy?.items == result.judgeAccuracy?.items)

        // α = 0: the unsteered model's own completions, sample j of prompt p with seed 3 + p·2 + j.
        let generator = try Generator(model: model)
        for example in result.rows[1].examples {
            var sampling = settings.sampling
            sampling.seed = 3 + UInt64(example.prompt * 2 + example.sample)
            let alone = try generator.generate(prompt: prompts[example.prompt].tokens, maxTokens: 16, sampling: sampling,
                                               stopTokens: tokenizer.vocabulary.endOfGeneration)
            let tokens = alone.stopReason == "eog" ? Array(alone.tokens.dropLast()) : alone.tokens
            #expect(tokenizer.decode(tokens) == example.text)
        }
        // The steering acts: some completion at α = 4 differs from α = 0's with the same seed.
        #expect(result.rows[2].examples.map(\.text) != result.rows[1].examples.map(\.text))
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains("\"samples_per_prompt\":2") && json.contains("\"judge_accuracy\""))
    }

    @Test func anyOfKModeLabelsEachPromptOnce() throws {
        let model = try ConceptFixture.cpu, tokenizer = try ConceptFixture.tokenizer
        // A concept the labelled set does not cover: no accuracy, and no error.
        var settings = ConceptSweepSettings(concept: "happiness", alphas: [])
        settings.samplesPerPrompt = 2
        settings.maxTokens = 8
        settings.judgeMode = .anyOfK
        let result = try ConceptSweep.run(model: model, tokenizer: tokenizer,
                                          prompts: [ConceptPrompt(text: "Hi", tokenizer: tokenizer, template: nil)],
                                          steering: ConceptSteering(entries: []), settings: settings,
                                          judge: try ConceptFixture.judge(), lexicon: nil,
                                          labelledSet: try ConceptFixture.labelledSet)
        #expect(result.judgeAccuracy == nil && result.lexiconAccuracy == nil)
        #expect(result.rows.count == 1 && result.rows[0].judge?.labelled == 1 && result.rows[0].lexicon == nil)
        #expect(result.rows[0].examples.allSatisfy { $0.judge == nil })
    }

    @Test func sweepWithoutAScorerIsRefused() throws {
        let tokenizer = try ConceptFixture.tokenizer
        let error = try #require(throws: ConceptError.self) {
            try ConceptSweep.run(model: try ConceptFixture.cpu, tokenizer: tokenizer, prompts: [], steering: ConceptSteering(entries: []),
                                 settings: ConceptSweepSettings(concept: "joy", alphas: [1]),
                                 judge: Optional<ConceptJudge<CPUBackend>>.none, lexicon: nil)
        }
        #expect(error.description.contains("judge model or a concept word list"))
    }
}
