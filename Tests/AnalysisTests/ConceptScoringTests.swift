import Analysis
import Foundation
import Testing
import TestSupport

/// The parts of concept probability that need no model: the judge prompt, reading the judge's answer, the lexicon,
/// rates, accuracy, the labelled set and the sweep settings.
@Suite("Concept probability: scoring") struct ConceptScoringTests {
    @Test func judgePromptIsTheSpecsStringVerbatim() {
        #expect(JudgePrompt.render(text: "  I refuse to do that.\n", concept: "refusal")
            == "Text: I refuse to do that. Does the text above express the concept refusal (any word linked to the concept "
            + "in the whole sentence even if it do not make sense is sufficient for a positive reply)? Reply with 1 for yes "
            + "and 0 for no. Answer:")
        let long = String(repeating: "a", count: 1000)
        #expect(JudgePrompt.render(text: long, concept: "joy").contains("Text: \(String(repeating: "a", count: 800)) Does"))
        #expect(JudgePrompt.joined(["one ", " two"]) == "one\n\ntwo")
    }

    @Test func verdictComparesTheAnswerProbabilities() throws {
        let yes = try JudgeVerdict.decide(yesLogprobs: [log(0.3), log(0.1)], noLogprobs: [log(0.2)])
        #expect(yes.label == 1)
        #expect(abs(yes.probabilityYes - 0.4 / 0.6) < 1e-6 && abs(yes.answerMass - 0.6) < 1e-6)
        let no = try JudgeVerdict.decide(yesLogprobs: [log(0.05)], noLogprobs: [log(0.5), -.infinity])
        #expect(no.label == 0 && abs(no.probabilityYes - 0.05 / 0.55) < 1e-6)
        let tie = try JudgeVerdict.decide(yesLogprobs: [log(0.25)], noLogprobs: [log(0.25)])
        #expect(tie.label == 0 && tie.probabilityYes == 0.5, "a tie is 0")
        #expect(throws: ConceptError.self) { try JudgeVerdict.decide(yesLogprobs: [.nan], noLogprobs: [0]) }
        #expect(throws: ConceptError.self) { try JudgeVerdict.decide(yesLogprobs: [-.infinity], noLogprobs: [-.infinity]) }
        #expect(throws: ConceptError.self) { try JudgeVerdict.decide(yesLogprobs: [], noLogprobs: [0]) }
    }

    @Test func lexiconMatchesWholeWordsIgnoringCase() throws {
        let lexicon = try ConceptLexicon.parse("# joy words\n\njoy\n  Over the   Moon \nhappy\n", source: "joy.words")
        #expect(lexicon.terms == ["joy", "over the moon", "happy"])
        #expect(lexicon.matches(in: "JOY! what a day") == ["joy"])
        #expect(lexicon.matches(in: "I was over\nthe moon, so happy.") == ["over the moon", "happy"])
        #expect(lexicon.label("joy-filled") == 1)
        #expect(lexicon.label("I enjoy it; killjoy; joyride; unhappy; happy_hour") == 0)
        #expect(lexicon.label("enjoy, then joy") == 1, "a later whole-word occurrence counts")
        let refusal = try ConceptLexicon(terms: ["I can't"], source: "r")
        #expect(refusal.label("Sorry, i CAN'T do that") == 1 && refusal.label("I can'tell") == 0)
    }

    @Test func badWordListsAreRefusedNamingTheFile() throws {
        let empty = try #require(throws: ConceptError.self) { try ConceptLexicon.parse("# only a comment\n\n", source: "w.txt") }
        #expect(empty.description.hasPrefix("w.txt: the concept word list is empty"))
        let missing = try #require(throws: ConceptError.self) { try ConceptLexicon.load(path: "/nonexistent/x.words") }
        #expect(missing.description.contains("/nonexistent/x.words"))
    }

    @Test func rateIsTheMeanLabelWithItsBinomialError() throws {
        let rate = ConceptRate(labels: [1, 0, 1, 1])
        #expect(rate.probability == 0.75 && rate.labelled == 4 && rate.positive == 3)
        #expect(abs(rate.standardError! - (0.75 * 0.25 / 4).squareRoot()) < 1e-12)
        let none = ConceptRate(labels: [])
        #expect(none.probability == nil && none.standardError == nil && none.labelled == 0)
        let json = String(decoding: try JSONEncoder().encode(rate), as: UTF8.self)
        #expect(json.contains("\"standard_error\"") && json.contains("\"labelled\":4"))
    }

    @Test func accuracyCountsTheConfusion() throws {
        let a = try JudgeAccuracy(scorer: "judge x", concept: "joy", truth: [1, 1, 0, 0, 1], predicted: [1, 0, 0, 1, 1])
        #expect(a.truePositive == 2 && a.falseNegative == 1 && a.trueNegative == 1 && a.falsePositive == 1)
        #expect(a.accuracy == 0.6 && a.accuracyPositive == 2.0 / 3 && a.accuracyNegative == 0.5)
        #expect(a.rankAUC == nil)
        // p_yes ranks: pairs (0.9, 0.8, 0.4) × (0.1, 0.4): 2 + 2 + 1.5 of 6.
        let ranked = try JudgeAccuracy(scorer: "judge x", concept: "joy", truth: [1, 1, 0, 0, 1], predicted: [1, 1, 1, 1, 1],
                                       scores: [0.9, 0.8, 0.1, 0.4, 0.4])
        #expect(ranked.accuracy == 0.6 && ranked.rankAUC == 5.5 / 6)
        #expect(throws: ConceptError.self) { try JudgeAccuracy(scorer: "s", concept: "c", truth: [1, 0], predicted: [1, 0], scores: [1]) }
        let onlyPositive = try JudgeAccuracy(scorer: "s", concept: "c", truth: [1], predicted: [1])
        #expect(onlyPositive.accuracyNegative == nil && onlyPositive.accuracy == 1 && onlyPositive.rankAUC == nil)
        #expect(throws: ConceptError.self) { try JudgeAccuracy(scorer: "s", concept: "c", truth: [1, 0], predicted: [1]) }
        #expect(throws: ConceptError.self) { try JudgeAccuracy(scorer: "s", concept: "c", truth: [2], predicted: [1]) }
        let json = String(decoding: try JSONEncoder().encode(a), as: UTF8.self)
        #expect(json.contains("\"accuracy_positive\"") && json.contains("\"false_negative\":1"))
    }

    @Test func labelledSetErrorsNameTheLine() throws {
        let good = #"{"concept": "joy", "text": "yay", "label": 1}"#
        #expect(try LabelledCompletion.parse(good + "\n\n", source: "s").count == 1)
        func problem(_ line: String) throws -> String {
            try #require(throws: ConceptError.self) { try LabelledCompletion.parse(good + "\n" + line, source: "set.jsonl") }.description
        }
        #expect(try problem(#"{"concept": "joy", "text": "x", "label": 2}"#).hasPrefix("set.jsonl line 2: \"label\" must be 0 or 1"))
        #expect(try problem(#"{"concept": "joy", "text": "x", "label": true}"#).contains("line 2"))
        #expect(try problem(#"{"concept": "joy", "text": "x", "label": 1, "note": "y"}"#).contains("exactly the keys"))
        #expect(try problem(#"{"concept": "joy", "text": " ", "label": 1}"#).contains("\"text\""))
        #expect(try problem("not json").hasSuffix("line 2: not a JSON object"))
        let unknown = try #require(throws: ConceptError.self) {
            try LabelledCompletion.items(try LabelledCompletion.parse(good, source: "s"), concept: "evil")
        }
        #expect(unknown.description.contains("(it has: joy)"))
    }

    /// The repository's labelled set: at least 48 items, both labels for each concept, a word list per concept; the
    /// generic word lists get most of it right but not all (the set has hard cases).
    @Test func repositorySetLoadsWithBothLabelsAndWordLists() throws {
        let folder = TestFileLocations.data.appending(path: "judge")
        let set = try LabelledCompletion.load(path: folder.appending(path: "completions.jsonl").path)
        #expect(set.count >= 48)
        for concept in ["refusal", "joy"] {
            let items = try LabelledCompletion.items(set, concept: concept)
            let positives = items.filter { $0.label == 1 }.count
            #expect(positives >= items.count / 3 && items.count - positives >= items.count / 3, "\(concept): roughly balanced")
            let lexicon = try ConceptLexicon.load(path: folder.appending(path: "\(concept).words").path)
            let accuracy = try JudgeAccuracy.lexicon(lexicon, on: set, concept: concept)
            #expect(accuracy.items == items.count && accuracy.accuracy > 0.7 && accuracy.accuracy < 1)
        }
    }

    @Test func settingsGridAlwaysHoldsZeroAndBadSettingsAreNamed() throws {
        var settings = ConceptSweepSettings(concept: "joy", alphas: [4, -2, 4])
        #expect(settings.grid == [-2, 0, 4])
        #expect(settings.samplesPerPrompt == 12 && settings.maxTokens == 100 && settings.sampling.temperature == 0.9
                && settings.sampling.topK == 50 && settings.sampling.topP == 0.95 && settings.judgeMode == .perSample)
        settings.samplesPerPrompt = 0
        #expect(throws: ConceptError.self) { try settings.validate() }
        settings = ConceptSweepSettings(concept: "joy", alphas: [.infinity])
        #expect(throws: ConceptError.self) { try settings.validate() }
        settings = ConceptSweepSettings(concept: " ", alphas: [1])
        #expect(throws: ConceptError.self) { try settings.validate() }
    }
}
