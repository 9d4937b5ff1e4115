import KernelCases
import Foundation

/// One test of a llama-bench run (`-o json` prints an array with one object per test).
struct LlamaCppResult: Codable, Equatable {
    /// llama-bench's own test name: "pp128", "pp512", "tg128" ("pp512+tg128" for a combined test, "… @ d512" with a
    /// context depth).
    var test: String
    /// Tokens per second of each repetition (llama-bench's `samples_ts`).
    var tokensPerSecond: [Double]
    /// The llama.cpp commit the binary was built from (`build_commit`).
    var buildCommit: String

    /// The median of `tokensPerSecond` (the figure Veer's own runs report).
    var medianTokensPerSecond: Double { median(tokensPerSecond) }

    /// llama-bench's test name for a prompt length, a generated length and a context depth (its `test` column).
    static func testName(prompt: Int, generate: Int, depth: Int) -> String {
        let base: String
        switch (prompt, generate) {
        case (_, 0): base = "pp\(prompt)"
        case (0, _): base = "tg\(generate)"
        default: base = "pp\(prompt)+tg\(generate)"
        }
        return depth > 0 ? "\(base) @ d\(depth)" : base
    }

    /// The results in llama-bench's `-o json` output. Anything else (not JSON, not an array of test objects, a key
    /// missing or of the wrong type, no tests at all) is an error that quotes the text.
    static func parse(_ data: Data) throws -> [LlamaCppResult] {
        func bad(_ detail: String) -> LlamaCppBenchError {
            let text = String(decoding: data, as: UTF8.self)
            let quoted = text.count > 600 ? String(text.prefix(600)) + "…" : text
            return .badJSON(detail: detail, quoted: quoted)
        }
        let document: Any
        do { document = try JSONSerialization.jsonObject(with: data) } catch { throw bad("not JSON") }
        guard let tests = document as? [[String: Any]] else { throw bad("expected an array of test objects") }
        guard !tests.isEmpty else { throw bad("no test results") }
        return try tests.enumerated().map { index, test in
            func field<T>(_ key: String, _ expected: String) throws -> T {
                guard let value = test[key] as? T else {
                    throw bad("test \(index): key \"\(key)\" missing or not \(expected)")
                }
                return value
            }
            let prompt: Int = try field("n_prompt", "an integer")
            let generate: Int = try field("n_gen", "an integer")
            // Older llama-bench builds have no depth; 0 is their behaviour.
            let depth = test["n_depth"] as? Int ?? 0
            let samples: [Double] = try field("samples_ts", "an array of numbers")
            guard !samples.isEmpty, samples.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw bad("test \(index): \"samples_ts\" must hold positive numbers")
            }
            return LlamaCppResult(test: testName(prompt: prompt, generate: generate, depth: depth),
                                  tokensPerSecond: samples, buildCommit: try field("build_commit", "a string"))
        }
    }
}
