import Foundation
import Testing
import TestSupport

/// `--steer` on the model commands: negative strengths parse, `--steer FILE:S --layers A-B` means what llama.cpp's
/// `--control-vector-scaled FILE:S --control-vector-layer-range A B` means, `--compare` shows both runs, and bad
/// vectors or layer ranges fail with messages that name the problem.
@Suite("veer --steer", .enabled(if: GenerateGoldenCLITests.enabled))
struct SteerCLITests {
    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }

    func logitsTop(_ arguments: [String]) throws -> (top: [[Double]], run: [String: Any]) {
        let result = try VeerProcess.run(["logits", "--backend", "cpu", "--top", "20", "--json"] + arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        return (try #require(json["top"] as? [[Double]]), try #require(json["run"] as? [String: Any]))
    }

    /// The reference configuration additive_l12_s4 is direction.12 of the llama.cpp vector at strength 4 on block 12.
    @Test func steerAndLayersMatchTheReferenceConfiguration() throws {
        let expected = try SteeringReference.config("additive_l12_s4").result("P1").last_top20
        let (top, run) = try logitsTop(["--steer", "\(Self.happy):4", "--layers", "12-12", "The capital of France is"])
        let ours = Dictionary(uniqueKeysWithValues: top.map { (Int($0[0]), $0[1]) })
        let shared = expected.compactMap { pair in ours[Int(pair[0])].map { abs($0 - pair[1]) } }
        #expect(shared.count >= 18)
        #expect((shared.max() ?? 1) <= Double(ModelTolerance.top20VersusF32), "max |logit - reference| = \(shared.max() ?? -1)")
        print("veer logits --steer vs additive_l12_s4: max |logit - reference| over the shared top-20 = \(shared.max() ?? -1)")
        let steering = try #require(run["steering"] as? [String: Any])
        #expect(steering["layers"] as? String == "12-12" && steering["positions"] as? String == "all")
    }

    @Test func negativeStrengthsParseAndDiffer() throws {
        let plain = try logitsTop(["The capital of France is"]).top
        let negative = try logitsTop(["--steer", "\(Self.happy):-2", "The capital of France is"])
        #expect(negative.top != plain)
        let vectors = try #require((negative.run["steering"] as? [String: Any])?["vectors"] as? [[String: Any]])
        #expect(vectors.first?["strength"] as? Double == -2)
        let positions = try logitsTop(["--steer", Self.happy, "--positions", "from:-1", "The capital of France is"])
        #expect((positions.run["steering"] as? [String: Any])?["positions"] as? String == "from:-1")
    }

    @Test func compareShowsUnsteeredAndSteered() throws {
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--max-tokens", "8",
                                          "--steer", "\(Self.happy):8", "--compare", "--json", "--chat", "How are you?"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        let unsteered = try #require(json["unsteered"] as? [String: Any])
        #expect(unsteered["tokens"] as? [Int] != json["tokens"] as? [Int])
        let text = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--max-tokens", "4",
                                        "--steer", "\(Self.happy):8", "--compare", "Hello"])
        #expect(text.stdout.contains("--- unsteered ---") && text.stdout.contains("--- steered ---"))
    }

    @Test func badVectorsAndRangesAreClearErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-steer-cli-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let truncated = directory.appending(path: "truncated.gguf")
        try Data(try Data(contentsOf: URL(fileURLWithPath: Self.happy)).prefix(300)).write(to: truncated)
        let bad = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", truncated.path, "Hi"])
        #expect(bad.status != 0 && bad.stderr.contains("truncated.gguf"), "stderr: \(bad.stderr)")
        let missing = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", directory.appending(path: "nope.gguf").path, "Hi"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.gguf"), "stderr: \(missing.stderr)")
        let range = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", Self.happy, "--layers", "5-31", "Hi"])
        #expect(range.status != 0 && range.stderr.contains("--layers 5-31"), "stderr: \(range.stderr)")
        let positions = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", Self.happy, "--positions", "sometimes", "Hi"])
        #expect(positions.status != 0 && positions.stderr.contains("--positions 'sometimes'"), "stderr: \(positions.stderr)")
        let orphan = try VeerProcess.run(["logits", "--backend", "cpu", "--layers", "5-10", "Hi"])
        #expect(orphan.status != 0 && orphan.stderr.contains("--layers applies to steering vectors"), "stderr: \(orphan.stderr)")
        let compare = try VeerProcess.run(["generate", "--backend", "cpu", "--compare", "Hi"])
        #expect(compare.status != 0 && compare.stderr.contains("--compare needs"), "stderr: \(compare.stderr)")
    }
}
