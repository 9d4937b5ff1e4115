import Foundation
import TestSupport
import Testing

/// What a user coming from llama.cpp types: `--version`, the short option names, the prompt from a file or stdin,
/// and `detokenize`. These need the model's tokenizer at most, or fail before the model loads.
@Suite("veer: llama.cpp conventions")
struct LlamaCppConventionsCLITests {
    static let hasModel = ModelFixture.path != nil


    static func tokens(_ result: VeerProcess) throws -> [Int] {
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require((try result.json() as? [String: Any])?["tokens"] as? [Int])
    }

    /// Before: "Error: Unknown option '--version'".
    @Test(.enabled(if: hasModel)) func versionIsTheOneTheManifestRecords() throws {
        let version = try VeerProcess.run(["--version"])
        #expect(version.status == 0, "stderr: \(version.stderr)")
        let printed = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!printed.isEmpty)
        let tokenize = try VeerProcess.run(["tokenize", "--json", "Hi"])
        let run = try #require((try tokenize.json() as? [String: Any])?["run"] as? [String: Any])
        #expect(run["veer_version"] as? String == printed)
    }

    /// `-f FILE` and `-` (stdin) give the same tokens as the argument; one trailing newline is dropped, as llama.cpp
    /// drops it. Before: "-f" was an unknown option and "-" was the prompt itself.
    @Test(.enabled(if: hasModel)) func promptFromAFileOrStandardInput() throws {
        let text = "The capital of France is"
        let direct = try Self.tokens(try VeerProcess.run(["tokenize", "--json", text]))
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.url.appending(path: "prompt.txt")
        try Data((text + "\n").utf8).write(to: file)
        #expect(try Self.tokens(try VeerProcess.run(["tokenize", "--json", "-f", file.path])) == direct)
        #expect(try Self.tokens(try VeerProcess.run(["tokenize", "--json", "-"], input: text + "\n")) == direct)
        let both = try VeerProcess.run(["tokenize", "-f", file.path, text])
        #expect(both.status != 0 && both.stderr.contains("not both"), "stderr: \(both.stderr)")
        let missing = try VeerProcess.run(["generate", "-f", "/nonexistent/prompt.txt"])
        #expect(missing.status != 0 && missing.stderr.contains("-f /nonexistent/prompt.txt: cannot read the file"),
                "stderr: \(missing.stderr)")
        let none = try VeerProcess.run(["logits"])
        #expect(none.status != 0 && none.stderr.contains("with -f FILE, or '-'"), "stderr: \(none.stderr)")
    }

    /// `detokenize` inverts `tokenize` and takes the ids in the forms a user pastes (before: no such command).
    @Test(.enabled(if: hasModel)) func detokenizeInvertsTokenize() throws {
        let text = "<|im_start|>user\nHello, world!"
        let ids = try Self.tokens(try VeerProcess.run(["tokenize", "--json", text]))
        let asList = "[" + ids.map(String.init).joined(separator: ", ") + "]"
        for arguments in [[asList], ids.map(String.init), [ids.map(String.init).joined(separator: ",")]] {
            let result = try VeerProcess.run(["detokenize"] + arguments)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout == text + "\n")
        }
        let piped = try VeerProcess.run(["detokenize", "-"], input: asList)
        #expect(piped.stdout == text + "\n", "stderr: \(piped.stderr)")
        let skipped = try VeerProcess.run(["detokenize", "--skip-special", asList])
        #expect(skipped.stdout == "user\nHello, world!\n")
        let outside = try VeerProcess.run(["detokenize", "1", "49152"])
        #expect(outside.status != 0 && outside.stderr.contains("token id 49152 is outside the vocabulary"), "stderr: \(outside.stderr)")
        let word = try VeerProcess.run(["detokenize", "1", "two"])
        #expect(word.status != 0 && word.stderr.contains("token id 'two': expected a whole number"), "stderr: \(word.stderr)")
    }

    /// llama.cpp's short names reach the same options: each bad value is reported under the long name, which shows
    /// the alias was parsed as that option (before: "Unknown option '-m'" and so on).
    @Test(arguments: [
        (["generate", "-m", "/nonexistent/model.gguf", "Hi"], "/nonexistent/model.gguf"),
        (["generate", "-n", "-5", "Hi"], "--max-tokens -5"),
        (["chat", "-n", "-5"], "--max-tokens -5"),
        (["generate", "-c", "0", "Hi"], "--ctx-size must be at least 1"),
        (["generate", "--temp=-1", "Hi"], "temperature -1.0 must be >= 0"),
        (["chat", "--temp=-1"], "temperature -1.0 must be >= 0"),
        (["generate", "-s", "x", "Hi"], "-s"),
        (["generate", "--system", "Be brief.", "Hi"], "--system applies to --chat"),
        (["generate", "--control-vector-layer-range", "5", "15", "Hi"], "--control-vector-layer-range applies to steering vectors"),
        (["generate", "--control-vector-scaled", "v.gguf", "abc", "Hi"], "--control-vector-scaled v.gguf abc: expected a file and a finite scale"),
        (["generate", "--control-vector", "v.gguf", "--control-vector-layer-range", "9", "3", "Hi"],
         "--control-vector-layer-range 9 3: expected START END"),
        (["generate", "--steer", "v.gguf", "--layers", "1-2", "--control-vector-layer-range", "1", "2", "Hi"],
         "either --layers or --control-vector-layer-range"),
    ])
    func shortNamesAreTheLongOptions(_ arguments: [String], _ expected: String) throws {
        let result = try VeerProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("Unknown option"), "stderr: \(result.stderr)")
    }

    /// `parity` takes the same --ctx-size default and limit as the other model commands (before: 512, unchecked).
    @Test(.enabled(if: hasModel)) func parityUsesTheSharedContextSize() throws {
        let long = try VeerProcess.run(["parity", "--max-tokens", "3000", "Hi"])
        #expect(long.status != 0 && long.stderr.contains("exceed --ctx-size 2048"), "stderr: \(long.stderr)")
        let tooBig = try VeerProcess.run(["parity", "-c", "100000", "Hi"])
        #expect(tooBig.status != 0 && tooBig.stderr.contains("--ctx-size 100000: the model allows at most 8192 tokens"),
                "stderr: \(tooBig.stderr)")
    }
}
