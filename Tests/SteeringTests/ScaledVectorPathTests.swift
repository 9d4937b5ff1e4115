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

    @Test(arguments: ["v.gguf:inf", "v.gguf:nan", "v.gguf:1e99"])
    func nonFiniteStrengthIsAnError(_ argument: String) {
        #expect { try ScaledVectorPath(argument: argument) } throws: { error in
            (error as? SteeringVectorError)?.file == "v.gguf" && "\(error)".contains(argument)
        }
    }
}
