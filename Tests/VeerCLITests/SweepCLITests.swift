import Foundation
import Testing
import TestSupport

/// `veer sweep`: one JSON document with every part, the text table, the HTML report and its PNGs, the range written
/// into the vector file, and bad input refused with messages that name it.
@Suite("veer sweep", .enabled(if: GenerateGoldenCLITests.enabled))
struct SweepCLITests {
    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }
    static let small = ["sweep", "--backend", "cpu", "--prompt", "Today I feel", "--ce-tokens", "128", "--continuation-tokens", "8",
                        "--keep-tokens", "10"]

    @Test func jsonReportPngsAndWrittenRange() throws {
        let scratch = try ScratchDirectory()
        try withExtendedLifetime(scratch) {
            let vector = scratch.url.appending(path: "happy.gguf").path
            try FileManager.default.copyItem(atPath: try Self.happy, toPath: vector)
            let report = scratch.url.appending(path: "sweep.html").path
            let hasRenderer = ProcessInfo.processInfo.environment["PATH"]!.split(separator: ":")
                .contains { FileManager.default.isExecutableFile(atPath: "\($0)/rsvg-convert") }
            let result = try VeerProcess.run(Self.small + ["--steer", "\(vector):2", "--alphas", "-1,1,40", "--json", "--write-range",
                                                           "--report", report] + (hasRenderer ? ["--png"] : []))
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let json = try #require(try result.json() as? [String: Any])
            #expect(json["alphas"] as? [Double] == [-1, 0, 1, 40])
            let prompt = try #require((json["prompts"] as? [[String: Any]])?.first)
            let tracked = try #require(prompt["tracked_tokens"] as? [[String: Any]])
            #expect(tracked.count >= 10 && tracked.count <= 20)
            #expect(tracked.allSatisfy { ($0["delta_p"] as? [Any])?.count == 4 && ($0["delta_p"] as? [Any])?[1] as? Double == 0 })
            #expect((prompt["continuations"] as? [[String: Any]])?.count == 4)
            let ce = try #require(json["cross_entropy"] as? [String: Any])
            #expect(ce["tokens_per_alpha"] as? Int == 128 && (ce["source"] as? String)?.hasSuffix("boolq/boolq_mc.jsonl") == true)
            let rows = try #require(json["rows"] as? [[String: Any]])
            #expect(rows.map { $0["degenerate"] as? Bool } == [false, false, false, true], "rows: \(rows)")
            let range = try #require(json["recommended_range"] as? [String: Any])
            #expect(range["lower"] as? Double == -1 && range["upper"] as? Double == 1)
            // The file's strength S is 2, so alpha 1 is FILE:2.
            #expect(range["file_strength"] as? [Double] == [-2, 2])
            #expect((json["run"] as? [String: Any])?["model_sha256"] is String && (json["wall_seconds"] as? Double ?? 0) > 0)
            #expect(((json["run"] as? [String: Any])?["steering"] as? [String: Any]) != nil)

            let info = try VeerProcess.run(["vector", "info", "--json", vector])
            #expect(((try info.json() as? [String: Any])?["strength_range"] as? [Double]) == [-2, 2], "stderr: \(info.stderr)")

            let html = try String(contentsOfFile: report, encoding: .utf8)
            #expect(html.contains("<svg") && html.contains("next-token probability") && html.contains("ΔCE (nats per token)"))
            #expect(html.contains("alpha (steering strength multiplier)") && html.contains("degenerate: "))
            guard hasRenderer else {
                print("SweepCLITests: rsvg-convert is not on PATH (Debian: librsvg2-bin); the PNG check is skipped")
                return
            }
            for figure in ["prompt1-token-probability", "prompt1-delta-p", "collapse"] {
                let png = try Data(contentsOf: scratch.url.appending(path: "sweep-\(figure).png"))
                try Self.expectNonBlankPNG(png, figure)
            }
        }
    }

    /// A PNG signature, an image of a chart's size, and enough bytes that it cannot be one flat colour (a blank
    /// 960x320 PNG compresses to well under 2 KB; a chart with text and lines takes tens of KB).
    static func expectNonBlankPNG(_ png: Data, _ figure: String) throws {
        let bytes = [UInt8](png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(figure): not a PNG")
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bytes.count > 24 && be32(16) >= 400 && be32(20) >= 300, "\(figure): \(be32(16))x\(be32(20))")
        #expect(bytes.count > 8000, "\(figure): \(bytes.count) bytes is too little for a chart")
    }

    /// --concept with the word list and the model itself as judge, on chat prompts: a concept row per alpha with both
    /// scorers' rates, their accuracy on the labelled completions, and the three laws checked in the document.
    @Test func conceptProbabilityJudgeLexiconChatAndLaws() throws {
        let words = TestFileLocations.data.appending(path: "judge/joy.words").path
        let result = try VeerProcess.run(Self.small + ["--steer", try Self.happy, "--alphas", "-4,4", "--chat", "--concept", "joy",
                                                       "--judge", "self", "--concept-words", words, "--samples", "2",
                                                       "--sample-tokens", "8", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("warning: the judge is the swept model itself"))
        let json = try #require(try result.json() as? [String: Any])
        #expect(json["chat"] as? Bool == true)
        #expect(((json["prompts"] as? [[String: Any]])?.first?["text"] as? String)?.contains("<|im_start|>user\nToday I feel") == true)
        let concept = try #require(json["concept"] as? [String: Any])
        let rows = try #require(concept["rows"] as? [[String: Any]])
        #expect(rows.map { $0["alpha"] as? Double } == [-4, 0, 4])
        for row in rows {
            #expect(row["completions"] as? Int == 2)
            #expect((row["judge"] as? [String: Any])?["labelled"] != nil && (row["lexicon"] as? [String: Any])?["labelled"] != nil, "\(row)")
        }
        #expect((concept["judge_accuracy"] as? [String: Any])?["items"] as? Int == 28)
        #expect((concept["lexicon_accuracy"] as? [String: Any])?["items"] as? Int == 28)
        let laws = try #require(json["laws"] as? [String: Any])
        #expect((laws["token_shapes"] as? [[String: Any]])?.count == 2)
        #expect((laws["concept"] as? [[String: Any]])?.map { $0["scorer"] as? String } == ["judge", "lexicon"])
    }

    /// A Spherical vector: the JSON and the report carry the gate's open share per rotating block at every steered
    /// alpha (alpha 0 has none), each a fraction of the prompt's positions.
    @Test func sphericalSweepRecordsTheGateOpenRate() throws {
        let scratch = try ScratchDirectory()
        try withExtendedLifetime(scratch) {
            let vector = scratch.url.appending(path: "spherical.gguf").path
            let pairs = TestFileLocations.data.deletingLastPathComponent().appending(path: "examples/happy-sad-pairs.jsonl").path
            let extract = try VeerProcess.run(["extract", "--backend", "cpu", "--method", "spherical", "--pairs", pairs,
                                               "--layers", "10,14", "--beta=-0.5", "--out", vector])
            #expect(extract.status == 0, "stderr: \(extract.stderr)")
            let report = scratch.url.appending(path: "gate.html").path
            let result = try VeerProcess.run(Self.small + ["--steer", vector, "--alphas", "0.5,1", "--ce-tokens", "0", "--json", "--report", report])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let json = try #require(try result.json() as? [String: Any])
            let gates = try #require((json["prompts"] as? [[String: Any]])?.first?["gate_open_rate"] as? [[String: Any]])
            #expect(gates.map { $0["alpha"] as? Double } == [0, 0.5, 1])
            #expect((gates[0]["blocks"] as? [Any])?.isEmpty == true)
            for gate in gates.dropFirst() {
                let blocks = try #require(gate["blocks"] as? [[String: Any]])
                #expect(blocks.map { $0["block"] as? Int } == [10, 14])
                #expect(blocks.allSatisfy { ($0["rate"] as? Double).map { $0 >= 0 && $0 <= 1 } == true })
            }
            #expect(try String(contentsOfFile: report, encoding: .utf8).contains("Spherical gate: open share per block"))
        }
    }

    @Test func textOutputShowsTheTableAndTheRange() throws {
        let result = try VeerProcess.run(Self.small + ["--steer", try Self.happy, "--alphas", "-2:2:3", "--top-k", "4", "--ce-tokens", "0"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("next-token probability") && result.stdout.contains("recommended range: alpha"))
        #expect(result.stdout.contains("ΔCE (nats)") && result.stdout.split(separator: "\n").contains { $0.hasPrefix("-2 ") })
    }

    /// --prompts FILE: one prompt per line, each with its own table and measures; an empty line is an error naming it.
    @Test func promptsFileGivesOneTablePerPrompt() throws {
        let scratch = try ScratchDirectory()
        try withExtendedLifetime(scratch) {
            let prompts = scratch.url.appending(path: "prompts.txt")
            try Data("Today I feel\nThe weather is\n".utf8).write(to: prompts)
            let arguments = Self.small + ["--steer", try Self.happy, "--alphas", "-2,2", "--ce-tokens", "0"]
            let result = try VeerProcess.run(arguments.filter { $0 != "--prompt" && $0 != "Today I feel" } + ["--prompts", prompts.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("prompt 1 (") && result.stdout.contains("prompt 2 ("))
            #expect(result.stdout.contains("(repetition and compression per prompt, separated by /)"))
            try Data("Today I feel\n\nThe weather is\n".utf8).write(to: prompts)
            let bad = try VeerProcess.run(arguments.filter { $0 != "--prompt" && $0 != "Today I feel" } + ["--prompts", prompts.path])
            #expect(bad.status != 0 && bad.stderr.contains("--prompts \(prompts.path): line 2 is empty"), "stderr: \(bad.stderr)")
        }
    }

    /// --png without rsvg-convert fails before the model loads, naming the package to install.
    @Test func pngWithoutRendererSaysWhatToInstall() throws {
        let result = try VeerProcess.run(Self.small + ["--steer", try Self.happy, "--alphas", "-1,1", "--report", "/tmp/veer-sweep-no-png.html", "--png"],
                                         environment: ["PATH": "/nonexistent"])
        #expect(result.status != 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("--png needs rsvg-convert") && result.stderr.contains("librsvg2-bin"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("backend:"), "refused before loading the model")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/veer-sweep-no-png.html"))
    }

    @Test(arguments: [
        (["--alphas", "1:2"], "--alphas 1:2: expected three parts A:B:N, got 2"),
        (["--alphas", "-1,x"], "--alphas -1,x: 'x' is not a finite number"),
        (["--steer", "/nonexistent/v.gguf", "--alphas", "-1,1"], "/nonexistent/v.gguf"),
        (["--steer", "HAPPY:nan", "--alphas", "-1,1"], "nan"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--png"], "--png renders the report's figures; give it with --report FILE.html"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--report", "r.svg"], "--report r.svg: expected a file name ending in .html"),
        (["--steer", "HAPPY", "--steer", "HAPPY", "--alphas", "-1,1", "--write-range"], "--write-range records a range in one vector file"),
        (["--steer", "spec.json", "--alphas", "-1,1", "--write-range"], "--write-range records the range in a vector file; spec.json is a JSON spec"),
        (["--alphas", "-1,1"], "veer sweep needs a steering vector"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--top-k", "0"], "--top-k 0: expected a whole number >= 1"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--judge", "self"], "--judge labels completions for a concept: give --concept NAME too"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--concept", "joy", "--concept-words", "/nonexistent/joy.words", "--any-of-k"],
         "--any-of-k is a judge mode: give --judge too"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--concept", "joy", "--samples", "0"], "--samples 0: expected a whole number >= 1"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--concept", "joy", "--concept-words", "/nonexistent/joy.words"], "/nonexistent/joy.words"),
        (["--steer", "HAPPY", "--alphas", "-1,1", "--concept", "joy", "--judge", "/nonexistent/judge.gguf", "--ce-tokens", "0"], "/nonexistent/judge.gguf"),
    ])
    func badInputIsAClearError(arguments: [String], message: String) throws {
        let happy = try Self.happy
        let result = try VeerProcess.run(Self.small + arguments.map { $0.replacingOccurrences(of: "HAPPY", with: happy) })
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
