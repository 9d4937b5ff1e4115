import Testing
@testable import Steering

/// `FILE[:S]` arguments (`veer vector add`, `--steer`).
@Suite("FILE[:S] arguments")
struct ScaledVectorPathTests {
    @Test(arguments: [
        ("happy.gguf", "happy.gguf", Float(1)),
        ("happy.gguf:2", "happy.gguf", 2),
        ("happy.gguf:-0.5", "happy.gguf", -0.5),
        ("dir/v.gguf:+3", "dir/v.gguf", 3),
        ("a:b.gguf", "a:b.gguf", 1),          // a colon in the path, no strength
        ("a:b.gguf:-2", "a:b.gguf", -2),
        (":2", ":2", 1),                      // no file before the colon: the whole thing is a path
    ])
    func parses(_ argument: String, _ path: String, _ strength: Float) throws {
        #expect(try ScaledVectorPath(argument: argument) == ScaledVectorPath(path: path, strength: strength))
    }

    /// A suffix that is not a number is a strength only when no file has the whole name and one has the name before
    /// the colon: then it is an error naming the strength, not a file that cannot be opened.
    @Test func nonNumericSuffixIsAStrengthWhenOnlyTheFileBeforeItExists() throws {
        let files: Set<String> = ["v.gguf", "a:b.gguf"]
        #expect { try ScaledVectorPath(argument: "v.gguf:abc", fileExists: files.contains) } throws: { error in
            (error as? SteeringVectorError)?.file == "v.gguf"
                && "\(error)".contains("strength 'abc' in 'v.gguf:abc' is not a finite number")
        }
        #expect(try ScaledVectorPath(argument: "a:b.gguf", fileExists: files.contains) == ScaledVectorPath(path: "a:b.gguf"))
        #expect(try ScaledVectorPath(argument: "gone.gguf:abc", fileExists: files.contains) == ScaledVectorPath(path: "gone.gguf:abc"))
    }

    @Test(arguments: ["v.gguf:inf", "v.gguf:nan", "v.gguf:1e99"])
    func nonFiniteStrengthIsAnError(_ argument: String) {
        #expect { try ScaledVectorPath(argument: argument) } throws: { error in
            (error as? SteeringVectorError)?.file == "v.gguf" && "\(error)".contains(argument)
        }
    }
}
