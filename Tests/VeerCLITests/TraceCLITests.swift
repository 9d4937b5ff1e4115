import Foundation
import Testing
import TestSupport

/// `--trace FILE.jsonl` on `veer generate` and `veer logits`: one JSON object per steered position and block with
/// exactly the documented keys, written after the run; errors that name the option.
@Suite("veer --trace", .enabled(if: GenerateGoldenCLITests.enabled))
struct TraceCLITests {
    static let keys: Set<String> = ["sequence", "position", "block", "t", "rotated", "cos", "norm_before", "norm_after"]
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    /// The lines of a trace file as objects, each checked for exactly the documented keys.
    static func lines(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == keys, "\(line)")
            return object
        }
    }

    /// Additive steering on blocks 10-11 from position 3 on: prompt positions 3 and 4, then the decode steps at
    /// positions 5 and 6 (the third token is sampled, never fed back): one line per position and block, nothing
    /// rotated, cos null (no rotation to compare with), equal norms, and a note saying so.
    @Test func generateWritesOneLinePerSteeredPositionAndBlock() throws {
        let url = scratch.url.appending(path: "trace.jsonl")
        let run = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos", "-n", "3",
                                       "--steer", "\(try SteerCLITests.happy):2", "--layers", "10-11", "--positions", "from:3",
                                       "--trace", url.path, "The capital of France is"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("no traced block rotates"))
        let lines = try Self.lines(url)
        #expect(lines.map { $0["position"] as? Int } == [3, 3, 4, 4, 5, 5, 6, 6])
        #expect(lines.map { $0["block"] as? Int } == [10, 11, 10, 11, 10, 11, 10, 11])
        for line in lines {
            #expect(line["sequence"] as? Int == 0 && line["t"] as? Double == 0 && line["rotated"] as? Bool == false)
            #expect(line["cos"] is NSNull)
            let before = try #require(line["norm_before"] as? Double)
            #expect(before > 0 && line["norm_after"] as? Double == before)
        }
    }

    /// `veer logits` traces its one pass: every prompt position at each steered block.
    @Test func logitsTracesItsPass() throws {
        let url = scratch.url.appending(path: "logits.jsonl")
        let run = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", "\(try SteerCLITests.happy):1",
                                       "--layers", "5", "--trace", url.path, "The capital of France is"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = try Self.lines(url)
        #expect(lines.map { $0["position"] as? Int } == [0, 1, 2, 3, 4])
        #expect(lines.allSatisfy { $0["block"] as? Int == 5 })
    }

    /// Positions that select nothing in this run (`generated` in `veer logits`) leave an empty file, said on stderr.
    @Test func noSteeredPositionGivesAnEmptyFile() throws {
        let url = scratch.url.appending(path: "empty.jsonl")
        let run = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", try SteerCLITests.happy, "--positions", "generated",
                                       "--trace", url.path, "Hi"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("the trace is empty"), "\(run.stderr)")
        #expect(try Data(contentsOf: url).isEmpty)
    }

    @Test func traceWithoutSteeringOrWhereNoFileCanBeWrittenIsAnError() throws {
        let plain = try VeerProcess.run(["logits", "--backend", "cpu", "--trace", scratch.url.appending(path: "t.jsonl").path, "Hi"])
        #expect(plain.status != 0)
        #expect(plain.stderr.contains("--trace") && plain.stderr.contains("--steer"), "\(plain.stderr)")
        let missing = scratch.url.appending(path: "no/such/dir/t.jsonl").path
        let unwritable = try VeerProcess.run(["generate", "--backend", "cpu", "-n", "1", "--steer", try SteerCLITests.happy,
                                              "--trace", missing, "Hi"])
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("--trace") && unwritable.stderr.contains(missing), "\(unwritable.stderr)")
        #expect(unwritable.stdout.isEmpty, "nothing is generated before the error: \(unwritable.stdout)")
    }
}
