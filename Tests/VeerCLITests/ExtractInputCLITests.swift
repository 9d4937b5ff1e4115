import Foundation
import TestSupport
import Testing

/// A contrastive pair with an empty side is refused by file, line and side, for both methods (before: mean-diff
/// said "text 1 has no tokens" and cvector-mean wrote a vector).
@Suite("veer extract: empty sides", .enabled(if: ModelFixture.path != nil))
struct ExtractInputCLITests {
    @Test(arguments: [("mean-diff", "positive"), ("cvector-mean", "positive"), ("mean-diff", "negative"),
                      ("cvector-mean", "negative")])
    func emptySideIsNamed(_ method: String, _ side: String) throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let pairs = scratch.url.appending(path: "pairs.jsonl"), out = scratch.url.appending(path: "v.gguf")
        let empty = side == "positive" ? "{\"positive\": \"\", \"negative\": \"I am sad\"}"
                                       : "{\"positive\": \"I am happy\", \"negative\": \"\"}"
        try "{\"positive\": \"I am happy\", \"negative\": \"I am sad\"}\n\n\(empty)\n".write(to: pairs, atomically: true, encoding: .utf8)
        let result = try VeerProcess.run(["extract", "--backend", "cpu", "--method", method, "--pairs", pairs.path,
                                          "--out", out.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(pairs.path):3: the \(side) text is empty; each side of a pair needs text"),
                "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
