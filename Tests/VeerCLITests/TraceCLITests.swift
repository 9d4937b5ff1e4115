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

    /// `veer logits --steer spec.json --trace` with each Spherical configuration of the reference on P1: one line per
    /// prompt position at the configuration's block, cos, t and rotated as its diagnostics (within its tolerances;
    /// rotated may differ only where both t sit below the t tolerance), the last position's norms too.
    @Test(arguments: ["spherical_l15_k20_a0.6_b-0.05", "spherical_l10_k20_a1.0_b-1.0", "spherical_l15_ungated_t0.5"])
    func sphericalSpecMatchesTheReferenceDiagnostics(_ id: String) throws {
        let url = scratch.url.appending(path: "\(id).jsonl")
        let spec = try SteerSpecGoldenCLITests.writeSpec(id, in: scratch.url)
        let run = try VeerProcess.run(["logits", "--backend", "cpu", "--precision", "f32", "--steer", spec, "--trace", url.path,
                                       try ModelGoldens.prompt("P1").text])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("no traced block rotates"))
        let config = try SteeringReference.config(id)
        let golden = try #require(try config.result("P1").spherical)
        let reference = golden.all_prompt_positions
        let lines = try Self.lines(url)
        #expect(lines.map { $0["position"] as? Int } == Array(0..<reference.cos.count))
        #expect(lines.allSatisfy { $0["block"] as? Int == config.params.layer && $0["sequence"] as? Int == 0 })
        for (p, line) in lines.enumerated() where p < reference.cos.count {
            let cos = try #require(line["cos"] as? Double), t = try #require(line["t"] as? Double)
            let rotated = try #require(line["rotated"] as? Bool)
            #expect(abs(cos - reference.cos[p]) <= ModelTolerance.sphericalCosine, "\(id) position \(p): cos \(cos) vs \(reference.cos[p])")
            #expect(abs(t - reference.t[p]) <= ModelTolerance.sphericalT, "\(id) position \(p): t \(t) vs \(reference.t[p])")
            #expect(rotated == reference.rotated[p] || max(t, reference.t[p]) < ModelTolerance.sphericalT, "\(id) position \(p)")
        }
        let last = try #require(lines.last)
        for (key, expected) in [("norm_before", golden.last_prompt_position.norm_before), ("norm_after", golden.last_prompt_position.norm_after)] {
            let value = try #require(last[key] as? Double)
            #expect(abs(value - expected) <= ModelTolerance.sphericalNormRelative * expected, "\(id) \(key): \(value) vs \(expected)")
        }
    }

    /// A generation steered by a gated Spherical spec on blocks 10 and 15 (two entries, composed): one line per
    /// position fed to the model (the prompt, then each decode step) and block, some rotated, norms kept.
    @Test func generateTracesAComposedSphericalSpec() throws {
        let first = try SteerSpecGoldenCLITests.writeSpec("spherical_l15_k20_a0.6_b-0.05", in: scratch.url)
        let second = try SteerSpecGoldenCLITests.writeSpec("spherical_l10_k20_a1.0_b-1.0", in: scratch.url)
        let url = scratch.url.appending(path: "generate.jsonl")
        let run = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos", "-n", "4",
                                       "--steer", first, "--steer", second, "--trace", url.path, "The capital of France is"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = try Self.lines(url)
        let positions = Array(0..<(5 + 4 - 1))
        #expect(lines.map { $0["position"] as? Int } == positions.flatMap { [$0, $0] })
        #expect(lines.map { $0["block"] as? Int } == positions.flatMap { _ in [10, 15] })
        #expect(lines.contains { $0["rotated"] as? Bool == true })
        for line in lines {
            let before = try #require(line["norm_before"] as? Double), after = try #require(line["norm_after"] as? Double)
            #expect(abs(after - before) <= 1e-5 * before, "\(line)")
            #expect(line["cos"] is Double)
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
