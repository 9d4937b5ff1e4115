import Foundation
import Testing
import TestSupport

/// The model commands end to end on the default model (release builds only: the whole network runs).
@Suite("veer model commands", .enabled(if: GenerateGoldenCLITests.enabled))
struct ModelCLITests {
    @Test func tokenizeJSON() throws {
        let result = try VeerProcess.run(["tokenize", "--json", "Hello, world!"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        #expect(json["tokens"] as? [Int] == [19556, 28, 905, 17])
        #expect(json["pieces"] as? [String] == ["Hello", ",", " world", "!"])
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["model_sha256"] as? String == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        #expect(run["backend"] as? String == "none" && run["bos"] as? Bool == false)
    }

    @Test func logitsJSONCarriesTheRunManifest() throws {
        let result = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "5", "--json", "The capital of France is"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        let top = try #require(json["top"] as? [[Double]])
        #expect(top.count == 5 && Int(top[0][0]) == 7042)
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["model_sha256"] as? String == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        #expect(run["precision"] as? String == "f32" && run["backend"] as? String == "cpu" && run["bos"] as? Bool == false)
    }

    /// `--each-line` scores several texts in one run, each as a run of its own would; `--candidate` reports a next
    /// token's probability whether or not it is in the top list, consistent with the top list where it is.
    @Test func logitsOfEachLineWithCandidates() throws {
        let texts = ["The capital of France is", "Hello"]
        let input = texts.map { "\"\($0)\"" }.joined(separator: "\n") + "\n"
        let both = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "3", "--candidate", " Paris", "--candidate", "zzz",
                                        "--each-line", "--json", "-"], input: input)
        #expect(both.status == 0, "stderr: \(both.stderr)")
        let results = try #require((try both.json() as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for (text, result) in zip(texts, results) {
            let alone = try #require(try VeerProcess.run(["logits", "--backend", "cpu", "--top", "3", "--json", text]).json() as? [String: Any])
            #expect(result["top"] as? [[Double]] == alone["top"] as? [[Double]], "\(text)")
            let candidates = try #require(result["candidates"] as? [[String: Any]])
            #expect(candidates.map { $0["id"] as? Int } == [7042, 3718])
            let lse = try #require(result["logsumexp"] as? Double)
            for c in candidates {
                let logit = try #require(c["logit"] as? Double), p = try #require(c["probability"] as? Double)
                #expect(abs(p - exp(logit - lse)) < 1e-12)
            }
        }
        let paris = try #require((results[0]["candidates"] as? [[String: Any]])?.first)
        let top = try #require(results[0]["top"] as? [[Double]])
        #expect(Int(top[0][0]) == 7042 && paris["logit"] as? Double == top[0][1])

        let bad = try VeerProcess.run(["logits", "--backend", "cpu", "--each-line", "-"], input: "\"fine\"\nnot json\n")
        #expect(bad.status != 0 && bad.stderr.contains("--each-line: line 2 is not a JSON string"), "\(bad.stderr)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VK_DRIVER_FILES"] == nil))
    func parityAgreesOnCPUAndVulkan() throws {
        let result = try VeerProcess.run(["parity", "--max-tokens", "3", "--json", "The capital of France is"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        let maxAbsDiff = json["max_abs_diff"] as? Double ?? 1
        #expect(maxAbsDiff <= Double(ModelTolerance.cpuVersusVulkanLogits), "veer parity: max |cpu - vulkan| logit = \(maxAbsDiff)")
        print("veer parity: max |cpu - vulkan| logit = \(maxAbsDiff)")
        #expect(json["greedy_agree"] as? Bool == true)
        #expect((json["max_abs_diff_per_position"] as? [Double])?.count == 5)
    }

    /// A stop string ends generation where it first appears; it and what follows are dropped, also when it spans
    /// tokens. The stop string is cut from the middle of the unstopped greedy text, so the test needs no golden.
    @Test func stopStringEndsTheText() throws {
        let prompt = "The capital of France is"
        let free = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos",
                                        "--max-tokens", "16", "--json", prompt])
        #expect(free.status == 0, "stderr: \(free.stderr)")
        let text = try #require((try free.json() as? [String: Any])?["text"] as? String)
        let scalars = Array(text.unicodeScalars)
        try #require(scalars.count >= 12, "greedy text too short: \(text)")
        let stop = String(String.UnicodeScalarView(scalars[8..<12]))
        let expected = String(text[..<text.range(of: stop)!.lowerBound])
        let stopped = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos",
                                           "--max-tokens", "16", "--stop", stop, "--json", prompt])
        #expect(stopped.status == 0, "stderr: \(stopped.stderr)")
        let json = try #require(try stopped.json() as? [String: Any])
        #expect(json["text"] as? String == expected)
        #expect(json["stop_reason"] as? String == "stop_string")
        let plain = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos",
                                         "--max-tokens", "16", "--stop", stop, prompt])
        #expect(plain.stdout == (expected.hasSuffix("\n") ? expected : expected + "\n"))
    }

    @Test func chatAnswersEachTurn() throws {
        let result = try VeerProcess.run(["chat", "--backend", "cpu", "--temperature", "0", "--max-tokens", "24"],
                                         input: "What is the capital of France?\n\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("Paris"), "stdout: \(result.stdout)")
    }
}
