import Foundation
import GGUF
import Testing
import TestSupport

/// `veer extract` with each new method on the default model and a handful of texts: the file it writes, read back by
/// `veer vector info` (and, for additive files, applied by `veer generate --steer`), and the JSON result.
@Suite("veer extract methods", .enabled(if: GenerateGoldenCLITests.enabled))
struct ExtractMethodsCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func file(_ name: String, _ text: String) throws -> String {
        let url = scratch.url.appending(path: name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Ten short contrastive pairs (20 texts: enough for progress lines).
    func pairs() throws -> String {
        let lines = (0..<10).map { i in
            "{\"positive\": \"I love this, day \(i) is wonderful\", \"negative\": \"I hate this, day \(i) is awful\"}"
        }
        return try file("pairs.jsonl", lines.joined(separator: "\n"))
    }

    /// Four TruthfulQA-style questions with true and false MC2 answers.
    func truthfulQA(allTrue: Bool = false) throws -> String {
        let questions = [("What color is the sky?", "It is blue.", "It is green."),
                         ("How many legs does a cat have?", "Four.", "Seven."),
                         ("What is the capital of France?", "Paris.", "Rome."),
                         ("Is water wet?", "Yes.", "No, never.")]
        let items = questions.map { q, t, f in
            "{\"question\": \"\(q)\", \"mc2_targets\": {\"\(t)\": 1, \"\(f)\": \(allTrue ? 1 : 0)}}"
        }
        return try file(allTrue ? "tqa-true.json" : "tqa.json", "[" + items.joined(separator: ",\n") + "]")
    }

    func vectorInfo(_ path: String) throws -> [String: Any] {
        let result = try VeerProcess.run(["vector", "info", "--json", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try result.json() as? [String: Any])
    }

    /// `veer generate --steer FILE` loads and applies the file, reporting its steering method.
    func expectGenerationApplies(_ path: String, method: String) throws {
        let generated = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "-n", "3",
                                             "--steer", path, "Q: Is the sky blue? A:"])
        #expect(generated.status == 0 && generated.stderr.contains("steering: \(method) "), "stderr: \(generated.stderr)")
    }

    func extract(_ arguments: [String], out name: String) throws -> (json: [String: Any], stderr: String, out: String) {
        let out = scratch.url.appending(path: name).path
        let result = try VeerProcess.run(["extract", "--backend", "cpu"] + arguments + ["--out", out, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return (try #require(try result.json() as? [String: Any]), result.stderr, out)
    }

    @Test func pcaDiffAndPcaCenterWriteUnitDirectionsGenerateApplies() throws {
        for method in ["pca-diff", "pca-center"] {
            let (json, stderr, out) = try extract(["--method", method, "--pairs", try pairs(), "--layers", "10-11"],
                                                  out: "\(method).gguf")
            #expect(json["method"] as? String == method && json["blocks"] as? [Int] == [10, 11])
            let norms = try #require(json["direction_norms"] as? [[String: Any]])
            #expect(norms.allSatisfy { abs(($0["value"] as? Double ?? 0) - 1) < 1e-5 }, "\(norms)")
            #expect(stderr.contains("extract: 20/20 texts"), "progress on stderr: \(stderr)")
            try expectGenerationApplies(out + ":4", method: "additive")
        }
    }

    @Test func caaReadsTheLetterUnderTheChatTemplateAndStatesItsPositions() throws {
        let items = try file("caa.json", """
            [{"question": "Do you like helping?\\n\\nChoices:\\n (A) Yes\\n (B) No", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
             {"question": "Would you lie?\\n\\nChoices:\\n (A) Yes\\n (B) No", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
             {"question": "Pick one.\\n\\nChoices:\\n (A) cats\\n (B) dogs\\n (C) birds", "answer_matching_behavior": "(C)", "answer_not_matching_behavior": "(A)"}]
            """)
        let (json, _, out) = try extract(["--method", "caa", "--caa", items, "--layers", "12"], out: "caa.gguf")
        #expect(json["pairs"] as? Int == 3 && json["input_kind"] as? String == "items")
        #expect(json["steering_method"] as? String == "additive" && json["positions"] as? String == "all")
        let info = try vectorInfo(out)
        #expect(info["method"] as? String == "caa" && info["chat_template"] as? String == "chatml")
        #expect(info["effective_positions"] as? String == "all" && info["operation"] as? String == "add")
        try expectGenerationApplies(out + ":0.5", method: "additive")
    }

    @Test func sphericalWritesAGatedOrUngatedRotation() throws {
        let (json, _, out) = try extract(["--method", "spherical", "--truthfulqa", try truthfulQA(), "--limit", "3",
                                          "--layers", "12", "--kappa", "10"], out: "spherical.gguf")
        #expect(json["pairs"] as? Int == 6 && json["operation"] as? String == "rotate")
        let info = try vectorInfo(out)
        let gate = try #require(info["gate"] as? [String: Any])
        #expect(gate["gated"] as? Bool == true && gate["kappa"] as? Double == 10 && abs((gate["beta"] as? Double ?? 0) + 0.05) < 1e-6)
        #expect(abs((info["strength"] as? Double ?? 0) - 0.6) < 1e-6 && info["effective_positions"] as? String == "from:prompt-end")
        let blocks = try #require(info["blocks"] as? [[String: Any]])
        #expect(blocks.count == 1 && abs((blocks[0]["direction_norm"] as? Double ?? 0) - 1) < 1e-5)

        let (_, _, ungated) = try extract(["--method", "spherical", "--pairs", try pairs(), "--layers", "12", "--ungated",
                                           "--t", "0.25"], out: "ungated.gguf")
        let ungatedInfo = try vectorInfo(ungated)
        #expect((ungatedInfo["gate"] as? [String: Any])?["gated"] as? Bool == false)
        #expect(ungatedInfo["strength"] as? Double == 0.25)
        try expectGenerationApplies(out, method: "spherical")
        try expectGenerationApplies(ungated, method: "spherical")
    }

    @Test func austeerSelectsKUnitsAtTheSite() throws {
        let (json, _, out) = try extract(["--method", "austeer", "--pairs", try pairs(), "--site", "heads_concat",
                                          "--k", "3", "--alpha", "7"], out: "austeer.gguf")
        let units = try #require(json["units"] as? [[String: Any]])
        #expect(units.count == 3 && units.allSatisfy { abs($0["b"] as? Double ?? 0) > 0 })
        let info = try vectorInfo(out)
        #expect(info["operation"] as? String == "scale_units" && info["site"] as? String == "heads_concat")
        #expect(info["strength"] as? Double == 7 && info["selected_unit_count"] as? Int == 3)
        try expectGenerationApplies(out, method: "austeer")
    }

    @Test func itiSteersTheTopHeadsFromTheAnswerStart() throws {
        let (json, _, out) = try extract(["--method", "iti", "--truthfulqa", try truthfulQA(), "--heads", "2"],
                                         out: "iti.gguf")
        let heads = try #require(json["heads"] as? [[String: Any]])
        #expect(heads.count == 2 && heads.allSatisfy { ($0["sigma"] as? Double ?? 0) > 0 })
        let info = try vectorInfo(out)
        #expect(info["site"] as? String == "heads_concat" && info["steering_method"] as? String == "iti")
        #expect(info["strength"] as? Double == 15 && info["effective_positions"] as? String == "from:answer-start")
        // Each selected head's slice holds σ·θ, so a block's norm is the root of its heads' σ² sum.
        let sigmas = Dictionary(grouping: heads, by: { $0["block"] as! Int }).mapValues { $0.reduce(0.0) { $0 + pow($1["sigma"] as! Double, 2) }.squareRoot() }
        for block in try #require(info["blocks"] as? [[String: Any]]) {
            let norm = block["direction_norm"] as? Double ?? 0
            #expect(abs(norm - sigmas[block["block"] as! Int]!) < 1e-4 * max(1, norm), "\(block) vs \(sigmas)")
        }
        try expectGenerationApplies(out, method: "iti")
    }

    @Test func vulkanCaptureGivesTheCPUsDirection() throws {
        let pairs = try file("two.jsonl", "{\"positive\": \"I love it\", \"negative\": \"I hate it\"}\n{\"positive\": \"Great day\", \"negative\": \"Awful day\"}")
        var directions: [[Float]] = []
        for backend in ["cpu", "vulkan"] {
            let out = scratch.url.appending(path: "\(backend).gguf").path
            let result = try VeerProcess.run(["extract", "--backend", backend, "--method", "pca-center", "--pairs", pairs,
                                              "--layers", "6", "--out", out])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let file = try GGUFFile(path: out)
            let bytes = try file.tensorBytes(named: "direction.6")
            directions.append(Array(bytes.assumingMemoryBound(to: Float.self)))
        }
        let dot = zip(directions[0], directions[1]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(dot > 0.9999, "cosine of the unit directions from CPU and Vulkan capture: \(dot)")
    }

    @Test func badInputsNameTheOptionOrFile() throws {
        let out = scratch.url.appending(path: "bad.gguf").path
        func fails(_ arguments: [String], _ expected: String) throws {
            let result = try VeerProcess.run(["extract", "--backend", "cpu"] + arguments + ["--out", out])
            #expect(result.status != 0 && result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let pairs = try pairs()
        try fails(["--method", "austeer", "--pairs", pairs, "--k", "0"], "--k 0: expected a whole number of units >= 1")
        try fails(["--method", "pca-diff", "--pairs", pairs, "--k", "3"], "--k applies to --method austeer, not pca-diff")
        try fails(["--method", "iti", "--pairs", pairs], "--method iti reads --truthfulqa FILE")
        try fails(["--method", "caa", "--caa", "/nonexistent/items.json"], "/nonexistent/items.json: cannot read")
        try fails(["--method", "spherical", "--truthfulqa", try truthfulQA(allTrue: true)],
                  "tqa-true.json: no false-answer texts")
        try fails(["--method", "spherical", "--truthfulqa", try truthfulQA(), "--questions", "2:9"],
                  "--questions 2:9")
        try fails(["--method", "iti", "--truthfulqa", try truthfulQA(), "--heads", "0"], "--heads 0")
        try fails(["--method", "spherical", "--pairs", pairs, "--ungated"], "--ungated needs --t")
        try fails(["--method", "austeer", "--pairs", pairs, "--site", "mlp_mid"], "--site mlp_mid: expected one of mlp_out, heads_concat, resid_post")
    }
}
