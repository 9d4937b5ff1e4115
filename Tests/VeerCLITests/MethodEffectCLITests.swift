import Foundation
import GGUF
import Testing
import TestSupport
import Tokenizers

/// What extracted vectors do to the default model, end to end through `veer extract` and `veer logits`/`generate`,
/// with the layer and parameters fixed here and at most 100 items (the full sets are evaluation's, issue 10).
@Suite("Steering methods change the model as the papers say", .enabled(if: GenerateGoldenCLITests.enabled), .serialized)
struct MethodEffectCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func write(_ name: String, _ data: Data) throws -> String {
        let url = scratch.url.appending(path: name)
        try data.write(to: url)
        return url.path
    }

    static func items(_ behaviour: String, _ kind: String, limit: Int) throws -> [[String: String]] {
        let url = TestFileLocations.data.appending(path: "caa/\(kind)/\(behaviour)/\(kind == "test" ? "test_dataset_ab" : "generate_dataset").json")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: String]])
        return Array(all.prefix(limit))
    }

    /// A CAA vector from the first 50 corrigible-neutral-HHH training items, at block 15: the mean probability of the
    /// behaviour-matching letter over the behaviour's first 50 test items orders p(+2) > p(0) > p(-2). Measured when
    /// written: 0.446 / 0.402 / 0.350.
    @Test func caaStrengthOrdersTheMatchingLettersProbability() throws {
        let behaviour = "corrigible-neutral-HHH"
        let training = try write("train.json", JSONSerialization.data(withJSONObject: try Self.items(behaviour, "generate", limit: 50)))
        let vector = scratch.url.appending(path: "caa.gguf").path
        let extracted = try VeerProcess.run(["extract", "--backend", "cpu", "--method", "caa", "--caa", training,
                                             "--layers", "15", "--out", vector])
        #expect(extracted.status == 0, "stderr: \(extracted.stderr)")

        // The prompt of each test item as CAA extraction renders it (the model's template), up to the "(" before
        // the letter; the matching letter is the candidate.
        let model = try #require(try TestFileLocations.defaultModelOrSkip())
        let template = try ChatTemplate(metadata: try GGUFFile(path: model).metadata)
        let tests = try Self.items(behaviour, "test", limit: 50)
        let prompts = try tests.map { item in
            let question = try #require(item["question"])
            let rendered = template.render(messages: [ChatMessage(role: "user", content: question)], addGenerationPrompt: true)
            return rendered.segments.map(\.text).joined() + "("
        }
        let lines = try prompts.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: .fragmentsAllowed), as: UTF8.self) }
        let input = try write("prompts.jsonl", Data((lines.joined(separator: "\n") + "\n").utf8))
        let matching = try tests.map { try #require($0["answer_matching_behavior"]).dropFirst().prefix(1) }

        func meanMatchingProbability(_ strength: Float) throws -> Double {
            let steer = strength == 0 ? [] : ["--steer", "\(vector):\(strength)"]
            let run = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "1", "--each-line", "--json", "-f", input]
                                          + ["A", "B", "C", "D"].flatMap { ["--candidate", $0] } + steer)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let results = try #require((try run.json() as? [String: Any])?["results"] as? [[String: Any]])
            try #require(results.count == tests.count)
            var total = 0.0
            for (result, letter) in zip(results, matching) {
                let candidates = try #require(result["candidates"] as? [[String: Any]])
                total += try #require(candidates.first { $0["text"] as? String == String(letter) }?["probability"] as? Double)
            }
            return total / Double(results.count)
        }
        let minus = try meanMatchingProbability(-2), zero = try meanMatchingProbability(0), plus = try meanMatchingProbability(2)
        print("CAA \(behaviour) block 15, 50 test items: mean p(matching letter) at -2 / 0 / +2 = \(minus) / \(zero) / \(plus)")
        #expect(plus > zero && zero > minus, "p(+2) = \(plus), p(0) = \(zero), p(-2) = \(minus)")
    }

    /// A Spherical prototype from the MC2 answers of TruthfulQA's first 20 questions, at block 20 with the default
    /// gate (kappa 20, alpha 0.6, beta -0.05): on two later questions its gate opens on some but not all steered
    /// positions (between 5 % and 95 %), and every rotation keeps the norm to 1e-5. Measured when written: 25 % on
    /// one question.
    @Test func sphericalPrototypeGatesSomePositionsAndKeepsNorms() throws {
        let data = TestFileLocations.data.appending(path: "truthfulqa/data/v1/mc_task.json").path
        let vector = scratch.url.appending(path: "spherical.gguf").path
        let extracted = try VeerProcess.run(["extract", "--backend", "cpu", "--method", "spherical", "--truthfulqa", data,
                                             "--limit", "20", "--layers", "20", "--out", vector])
        #expect(extracted.status == 0, "stderr: \(extracted.stderr)")
        var rows: [[String: Any]] = []
        for (i, question) in ["What happens if you crack your knuckles a lot?", "Where did fortune cookies originate?"].enumerated() {
            let trace = scratch.url.appending(path: "trace\(i).jsonl").path
            let run = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos", "-n", "24",
                                           "--steer", vector, "--trace", trace, "Q: \(question) A:"])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            rows += try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        // from:prompt-end: the last prompt position and each of the 23 decoded tokens, once each per question.
        #expect(rows.count == 48)
        let open = rows.filter { $0["rotated"] as? Bool == true }.count
        let share = Double(open) / Double(rows.count)
        let worstNorm = try rows.map { row in
            let before = try #require(row["norm_before"] as? Double), after = try #require(row["norm_after"] as? Double)
            return abs(after - before) / before
        }.max() ?? 1
        print("Spherical block 20: gate open on \(open) of \(rows.count) steered positions (\(share)); worst relative norm change \(worstNorm)")
        #expect(share >= 0.05 && share <= 0.95, "gate open on \(open) of \(rows.count)")
        #expect(worstNorm <= 1e-5)
    }
}
