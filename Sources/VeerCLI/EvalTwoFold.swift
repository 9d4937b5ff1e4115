import ArgumentParser
import Evaluation
import Foundation
import Kernels
import Steering
import Tokenizers

/// TruthfulQA's question-level 2-fold protocol (steering-methods.md §2.1, §2.5): the scored questions split as
/// scikit-learn's KFold(n_splits=2, shuffle=False) does (the first half, one larger when odd, then the rest); for
/// each fold a vector is extracted by `veer extract` on the other fold's questions and scores this fold. Metrics are
/// the mean of the two folds' means. Both vectors are kept.
struct EvalTwoFold {
    var runner: EvalRunner
    var method: ExtractCommand.Method
    var template: ChatTemplate?

    init(runner: EvalRunner, method: ExtractCommand.Method, template: ChatTemplate?) throws {
        guard runner.items.count >= 4 else {
            throw ValidationError("--two-fold needs at least 4 questions (2 per fold), got \(runner.items.count)")
        }
        self.runner = runner; self.method = method; self.template = template
    }

    struct Outcome {
        var results: [MCItemResult]
        var metrics: [String: Double]
        var foldMetrics: [[String: Double]]
        var vectors: [String]
        var positions: String?
    }

    /// KFold(2) sizes: the first fold takes the odd item.
    static func foldSizes(_ count: Int) -> [Int] { KFoldSplit.sizes(count: count, folds: 2) }

    /// The two folds as index ranges of the scored items.
    static func foldRanges(_ count: Int) -> [Range<Int>] { KFoldSplit.ranges(count: count, folds: 2) }

    /// The mean of the folds' metrics, key by key.
    static func mean(_ folds: [[String: Double]]) -> [String: Double] {
        var sums: [String: Double] = [:]
        for fold in folds { for (key, value) in fold { sums[key, default: 0] += value } }
        return sums.mapValues { $0 / Double(folds.count) }
    }

    func run<B: ComputeBackend>(_ s: ModelSession<B>, scorer: MCScorer<B>, name: String) throws -> Outcome {
        let directory = URL(fileURLWithPath: runner.command.vectorsOut ?? FileManager.default.currentDirectoryPath)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ranges = Self.foldRanges(runner.items.count)
        var results: [MCItemResult] = [], folds: [[String: Double]] = [], vectors: [String] = []
        var positions: String?
        for (fold, range) in ranges.enumerated() {
            let train = ranges[1 - fold]
            // The items are the file's first N questions in order (no --shard), so an item's index is its question.
            let questions = runner.items[train.lowerBound].index..<(runner.items[train.upperBound - 1].index + 1)
            let out = directory.appending(path: "truthfulqa-\(method.rawValue)-fold\(fold).gguf").path
            Console.note("eval two-fold: fold \(fold): extracting \(method.rawValue) on questions \(questions.lowerBound)..<\(questions.upperBound) into \(out)")
            try Self.withScratchInputs(method: method, truthfulqa: runner.data.file, questions: questions) { inputs in
                let extract = try ExtractCommand.parse(["--method", method.rawValue, "--out", out] + inputs + extraArguments)
                _ = try ExtractCommand.Task(command: extract).run(s)
            }
            vectors.append(out)
            let loaded = try EvalSteering.load(try SteeringOptions.parse(["--steer", out]), session: s)
            positions = loaded.positions.description
            let items = Array(runner.items[range])
            let tokenized = try TokenizedTask(items: items, tokenizer: s.tokenizer, template: template, addBOS: s.addBOS)
            let task = EvalRunner.Task(runner: runner, tokenized: tokenized, template: template, slots: s.model.cache.shape.slots)
            let scored = try task.score(tokenized, items: items, scorer: scorer, steering: loaded, name: "\(name) fold \(fold)")
            folds.append(MCMetrics.aggregate(runner.data.task, scored))
            results += scored
        }
        return Outcome(results: results, metrics: Self.mean(folds), foldMetrics: folds, vectors: vectors, positions: positions)
    }

    /// --extract-args, split at spaces.
    var extraArguments: [String] {
        (runner.command.extractArgs ?? "").split(separator: " ").map(String.init)
    }

    /// The `veer extract` input options for `method` on the TruthfulQA questions `questions` of the file
    /// `truthfulqa`: the file itself for the methods that read it (spherical, iti); pairs of a true and a false answer
    /// for the pair methods; A/B items for caa. Written to a scratch directory that lives while `body` runs.
    /// The layer search (`SweepSearchCommand`) extracts the same way.
    static func withScratchInputs(method: ExtractCommand.Method, truthfulqa file: String, questions: Range<Int>,
                                  _ body: ([String]) throws -> Void) throws {
        switch method {
        case .spherical, .iti:
            try body(["--truthfulqa", file, "--questions", "\(questions.lowerBound):\(questions.upperBound)"])
        case .meanDiff, .cvectorMean, .pcaDiff, .pcaCenter, .austeer, .caa:
            let scratch = FileManager.default.temporaryDirectory.appending(path: "veer-twofold-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let loaded = try TruthfulQAQuestion.load(path: file, questions: questions)
            if method == .caa {
                let file = scratch.appending(path: "items.json")
                try Self.caaItems(loaded).write(to: file)
                try body(["--caa", file.path])
            } else {
                let file = scratch.appending(path: "pairs.jsonl")
                try Self.pairs(loaded).write(to: file)
                try body(["--pairs", file.path])
            }
        }
    }

    /// Each question's true answers paired in order with its false ones, as "Q: {question} A: {answer}".
    static func pairs(_ questions: [TruthfulQAQuestion]) throws -> Data {
        var lines: [String] = []
        for q in questions {
            let trues = q.answers.indices.filter { q.answers[$0].isTrue }, falses = q.answers.indices.filter { !q.answers[$0].isTrue }
            for (t, f) in zip(trues, falses) {
                let object = ["positive": q.text(answer: t), "negative": q.text(answer: f)]
                lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            }
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// One A/B item per question: its first true and first false answer, the true one as (A) on even questions and
    /// (B) on odd ones, so the letter carries no signal.
    static func caaItems(_ questions: [TruthfulQAQuestion]) throws -> Data {
        var items: [[String: String]] = []
        for (i, q) in questions.enumerated() {
            guard let t = q.answers.first(where: \.isTrue)?.text, let f = q.answers.first(where: { !$0.isTrue })?.text else { continue }
            let (a, b) = i % 2 == 0 ? (t, f) : (f, t)
            items.append(["question": "\(q.question)\n\nChoices:\n (A) \(a)\n (B) \(b)",
                          "answer_matching_behavior": i % 2 == 0 ? "(A)" : "(B)",
                          "answer_not_matching_behavior": i % 2 == 0 ? "(B)" : "(A)"])
        }
        return try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys])
    }
}
