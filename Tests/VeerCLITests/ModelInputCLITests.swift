import Foundation
import GGUF
import TestSupport
import Testing

/// Option and environment values of the model commands that used to run silently with something else, or failed
/// with advice that could not be followed: each is now used as given or refused with a message naming it.
@Suite("veer: model command inputs")
struct ModelInputCLITests {
    static let hasModel = ModelFixture.path != nil

    /// A --ctx-size above the model's context_length (8192) is refused before the model loads, naming the option,
    /// the value and the limit; before, the run went ahead and the manifest recorded 100000.
    @Test(.enabled(if: hasModel)) func contextSizeAboveTheModelsLimitIsRefused() throws {
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "--ctx-size", "100000", "--json", "Hi"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--ctx-size 100000: the model allows at most 8192 tokens"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("backend:"), "the model loaded before the refusal: \(result.stderr)")
    }

    /// A prompt longer than the context says to raise --ctx-size only while it can be raised.
    @Test(.enabled(if: ModelFixture.enabled)) func promptTooLongAdvisesWhatCanBeDone() throws {
        let prompt = String(repeating: "a ", count: 9000)
        let atLimit = try VeerProcess.run(["generate", "--backend", "cpu", "--ctx-size", "8192", prompt])
        #expect(atLimit.status != 0)
        #expect(atLimit.stderr.contains("8192 is the model's context_length: shorten the input"), "stderr: \(atLimit.stderr)")
        #expect(!atLimit.stderr.contains("raise --ctx-size"))
        let below = try VeerProcess.run(["generate", "--backend", "cpu", "--ctx-size", "64", prompt])
        #expect(below.status != 0)
        #expect(below.stderr.contains("raise --ctx-size, at most 8192"), "stderr: \(below.stderr)")
    }

    /// `--max-tokens -1` is llama.cpp's `-n -1`: generate until end of generation or a full context (before, it
    /// generated nothing and exited 0).
    @Test(.enabled(if: ModelFixture.enabled)) func maxTokensMinusOneRunsUntilTheContextIsFull() throws {
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos",
                                          "--max-tokens", "-1", "--ctx-size", "24", "--json", "Hi"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        #expect(json["stop_reason"] as? String == "context_full")
        let prompt = try #require(json["prompt_tokens"] as? [Int]), tokens = try #require(json["tokens"] as? [Int])
        #expect(prompt.count + tokens.count == 25, "every position of the context used, plus the last sampled token")
    }

    @Test(arguments: [["generate", "--max-tokens=-2", "x"], ["chat", "--max-tokens", "-5"]])
    func otherNegativeMaxTokensAreErrors(_ arguments: [String]) throws {
        let result = try VeerProcess.run(arguments)
        let value = arguments.contains("-5") ? "-5" : "-2"
        #expect(result.status != 0)
        #expect(result.stderr.contains("--max-tokens \(value): expected a count >= 0, or -1"), "stderr: \(result.stderr)")
    }

    /// A VEER_THREADS that is not a whole number >= 1 is an error naming the variable and value, on the model
    /// commands and on `info` (before, each of these ran silently on every core).
    @Test(arguments: ["0", "-3", "abc"]) func badVEERThreadsIsAnError(_ value: String) throws {
        for arguments in [["generate", "--backend", "cpu", "Hi"], ["info"]] {
            let result = try VeerProcess.run(arguments, environment: ["VEER_THREADS": value])
            #expect(result.status != 0, "\(arguments) ran")
            #expect(result.stderr.contains("VEER_THREADS=\(value): expected a whole number of threads, at least 1"),
                    "stderr: \(result.stderr)")
        }
        let option = try VeerProcess.run(["generate", "--threads=\(value)", "Hi"])
        #expect(option.status != 0)
        #expect(option.stderr.contains("--threads") && option.stderr.contains(value), "stderr: \(option.stderr)")
    }

    /// -t/--threads sets the CPU backend's threads, wins over VEER_THREADS, and the manifest records the count.
    @Test(.enabled(if: ModelFixture.enabled)) func threadsOptionWinsAndIsRecorded() throws {
        let result = try VeerProcess.run(["logits", "--backend", "cpu", "-t", "1", "--top", "1", "--json", "Hi"],
                                         environment: ["VEER_THREADS": "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("cpu (1 thread,"), "stderr: \(result.stderr)")
        let run = try #require((try result.json() as? [String: Any])?["run"] as? [String: Any])
        #expect(run["threads"] as? Int == 1)
        let fromVariable = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "1", "--json", "Hi"],
                                               environment: ["VEER_THREADS": "3"])
        let variableRun = try #require((try fromVariable.json() as? [String: Any])?["run"] as? [String: Any])
        #expect(variableRun["threads"] as? Int == 3)
    }

    /// A tokenizer whose bos_token_id lies outside its vocabulary is refused, naming the key and value (before, BOS
    /// silently became id 11).
    @Test(.enabled(if: hasModel)) func bosTokenOutsideTheVocabularyIsAnError() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let source = try GGUFFile(path: ModelFixture.path!).metadata
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        for key in source.keys where key.hasPrefix("tokenizer.") { writer.set(key, source[key]!) }
        writer.set("tokenizer.ggml.bos_token_id", .uint32(70000))
        let path = scratch.url.appending(path: "bad-bos.gguf").path
        try writer.write(to: path)
        let result = try VeerProcess.run(["tokenize", "--model", path, "--bos", "Hi"])
        #expect(result.status != 0, "stdout: \(result.stdout)")
        #expect(result.stderr.contains("tokenizer.ggml.bos_token_id is 70000, outside the vocabulary (expected an id in 0...49151)"),
                "stderr: \(result.stderr)")
    }

    /// `--steer FILE:S` with a strength that is not a finite number names the strength and what it must be (before:
    /// "cannot open the file" for "abc", a "metadata key" for "1e400"); a path with a colon still works.
    @Test(.enabled(if: ModelFixture.enabled)) func badSteeringStrengthsAreNamed() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let vector = scratch.url.appending(path: "v.gguf").path
        try FileManager.default.copyItem(atPath: GoldenFile.vectorFile("cvector-happy.gguf"), toPath: vector)
        for strength in ["abc", "1e400", "nan"] {
            let result = try VeerProcess.run(["generate", "--backend", "cpu", "--steer", "\(vector):\(strength)", "Hi"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("strength '\(strength)' in '\(vector):\(strength)' is not a finite number;"
                                           + " a strength must be a finite decimal number"), "stderr: \(result.stderr)")
            #expect(!result.stderr.contains("cannot open") && !result.stderr.contains("metadata key"))
        }
        let colonPath = scratch.url.appending(path: "a:b.gguf").path
        try FileManager.default.copyItem(atPath: vector, toPath: colonPath)
        for argument in [colonPath, colonPath + ":0.5"] {
            let result = try VeerProcess.run(["generate", "--backend", "cpu", "--steer", argument, "--max-tokens", "1",
                                              "--json", "Hi"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
    }
}
