import ArgumentParser
import Steering

/// Reading the inputs a method takes.
extension ExtractCommand {
    func loadPairs() throws -> [ContrastivePair] {
        if let pairs { return try ContrastivePair.loadPairs(path: pairs) }
        let positives = try LlamaCppPromptFile.load(path: positiveFile!)
        let negatives = try LlamaCppPromptFile.load(path: negativeFile!)
        guard positives.count == negatives.count else {
            throw ValidationError("\(positiveFile!) has \(positives.count) prompts but \(negativeFile!) has \(negatives.count); they pair line by line")
        }
        return zip(positives, negatives).map { ContrastivePair(positive: $0, negative: $1) }
    }

    /// The --truthfulqa questions, narrowed by --questions or --limit.
    func loadQuestions() throws -> [TruthfulQAQuestion] {
        let range = try questions.map(parsedQuestions) ?? limit.map { 0..<$0 }
        var loaded = try TruthfulQAQuestion.load(path: truthfulqa!, questions: nil)
        if let range {
            guard range.upperBound <= loaded.count else {
                let option = questions != nil ? "--questions \(questions!)" : "--limit \(limit!)"
                throw ValidationError("\(option): \(truthfulqa!) has \(loaded.count) questions")
            }
            loaded = Array(loaded[range])
        }
        return loaded
    }

    /// Spherical's labelled texts: the positive and negative texts of --pairs (unpaired: only the class matters), or
    /// every TruthfulQA answer as "Q: {q} A: {a}", true answers positive. An empty class is an error naming the file.
    func labelledTexts() throws -> (positive: [String], negative: [String]) {
        guard truthfulqa != nil else {
            let pairs = try loadPairs()
            return (pairs.map(\.positive), pairs.map(\.negative))
        }
        var positive: [String] = [], negative: [String] = []
        for question in try loadQuestions() {
            for (index, answer) in question.answers.enumerated() {
                if answer.isTrue { positive.append(question.text(answer: index)) } else { negative.append(question.text(answer: index)) }
            }
        }
        for (texts, label) in [(positive, "true-answer"), (negative, "false-answer")] where texts.isEmpty {
            throw ExtractionError.emptyClass(class: label, source: "--truthfulqa \(truthfulqa!)")
        }
        return (positive, negative)
    }
}
