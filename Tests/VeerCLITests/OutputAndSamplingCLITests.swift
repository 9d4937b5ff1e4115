import Foundation
import TestSupport
import Testing

/// `logits` shows token text and probabilities (every position with --all-positions), and `generate` and `chat`
/// share their sampling options, a random default seed recorded in the manifest, and --system.
@Suite("veer: logits output and sampling options", .enabled(if: ModelFixture.enabled))
struct OutputAndSamplingCLITests {
    static let prompt = "The capital of France is"

    /// Before: only "id  logit" rows for the last position, even with --all-positions.
    @Test func logitsTextShowsTokenTextAndProbabilities() throws {
        let text = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "3", Self.prompt])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        #expect(text.stdout.contains("    id      logit      prob  text"), "stdout: \(text.stdout)")
        #expect(text.stdout.contains("\" Paris\""), "stdout: \(text.stdout)")
        let all = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "2", "--all-positions", Self.prompt])
        #expect(all.status == 0, "stderr: \(all.stderr)")
        for position in 0..<5 { #expect(all.stdout.contains("position \(position) (token "), "stdout: \(all.stdout)") }

        let json = try #require(try VeerProcess.run(["logits", "--backend", "cpu", "--top", "3", "--json", Self.prompt]).json() as? [String: Any])
        let top = try #require(json["top"] as? [[Double]]), lse = try #require(json["logsumexp"] as? Double)
        let probabilities = try #require(json["probabilities"] as? [Double])
        #expect(zip(top, probabilities).allSatisfy { abs(exp($0[1] - lse) - $1) < 1e-9 })
        #expect(probabilities.reduce(0, +) <= 1 && probabilities[0] > probabilities[2])
        #expect((json["pieces"] as? [String])?.first == " Paris")
    }

    static func generate(_ arguments: [String]) throws -> [String: Any] {
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "-n", "2", "--json"] + arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try result.json() as? [String: Any])
    }

    static func seed(_ json: [String: Any]) -> UInt64? {
        ((json["run"] as? [String: Any])?["seed"] as? NSNumber)?.uint64Value
    }

    /// As llama.cpp: without --seed each run draws its own, recorded in the manifest; -s sets it (before: always 0).
    @Test func seedIsRandomByDefaultAndRecorded() throws {
        let a = try Self.generate(["Hi"]), b = try Self.generate(["Hi"])
        let seedA = try #require(Self.seed(a)), seedB = try #require(Self.seed(b))
        #expect(seedA != seedB)
        #expect(Self.seed(try Self.generate(["-s", "42", "Hi"])) == 42)
        // The recorded seed reproduces the run.
        let again = try Self.generate(["--seed", String(seedA), "Hi"])
        #expect(again["tokens"] as? [Int] == a["tokens"] as? [Int])
    }

    /// `generate --chat --system TEXT` puts TEXT in the system turn (before: unknown option); stdin works as the prompt.
    @Test func generateChatTakesASystemMessage() throws {
        let plain = try Self.generate(["--chat", "--temp", "0", "Hi"])
        let system = try Self.generate(["--chat", "--temp", "0", "--system", "You are a pirate.", "Hi"])
        let ids = try #require(system["prompt_tokens"] as? [Int])
        #expect(ids != plain["prompt_tokens"] as? [Int])
        let text = try VeerProcess.run(["detokenize", ids.map(String.init).joined(separator: ",")])
        #expect(text.stdout.hasPrefix("<|im_start|>system\nYou are a pirate.<|im_end|>\n<|im_start|>user\nHi<|im_end|>"),
                "prompt: \(text.stdout)")
        let piped = try VeerProcess.run(["generate", "--backend", "cpu", "-n", "1", "--json", "--chat", "--system",
                                         "You are a pirate.", "-"], input: "Hi\n")
        #expect((try piped.json() as? [String: Any])?["prompt_tokens"] as? [Int] == ids, "stderr: \(piped.stderr)")
    }

    /// `chat` takes generate's sampling options (before: only --temperature and --seed).
    @Test func chatTakesTheSamplingOptions() throws {
        let result = try VeerProcess.run(["chat", "--backend", "cpu", "-n", "4", "--temp", "0.7", "--top-k", "5",
                                          "--top-p", "0.9", "--min-p", "0.1", "--repeat-penalty", "1.1", "-s", "3"],
                                         input: "Hi\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stdout.isEmpty)
        let bad = try VeerProcess.run(["chat", "--top-p", "2"], input: "")
        #expect(bad.status != 0 && bad.stderr.contains("top-p 2.0 must be in (0, 1]"), "stderr: \(bad.stderr)")
    }
}
