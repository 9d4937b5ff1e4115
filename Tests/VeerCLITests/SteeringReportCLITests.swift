import Foundation
import TestSupport
import Testing

/// A steered run says what it steers: one stderr line (method, file, strength, blocks steered out of the file's, positions),
/// the effective blocks in the manifest, a warning when --layers or --positions select nothing or a strength lies
/// outside the file's recorded range; and llama.cpp's control-vector options mean what they mean there.
@Suite("veer: steering report", .enabled(if: ModelFixture.enabled))
struct SteeringReportCLITests {
    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }
    static let prompt = "The capital of France is"

    /// Before: no line on stderr, and the manifest listed blocks 1-29 whatever --layers kept.
    @Test func oneLineSaysWhatIsSteered() throws {
        let (result, json) = try VeerProcess.logitsJSON(["--steer", "\(Self.happy):4", "--layers", "12-14"])
        #expect(result.stderr.contains("steering: additive cvector-happy.gguf at strength 4 on blocks 12-14 of its 1-29; positions all (steered-persist)"),
                "stderr: \(result.stderr)")
        let vector = try #require(try VeerProcess.steeredVectors(json).first)
        #expect(vector["blocks"] as? [Int] == [12, 13, 14])
        #expect(vector["file_blocks"] as? [Int] == Array(1...29))
    }

    /// `--layers 0` on a vector for blocks 1-29 steers nothing. Before: silent, exit 0, manifest blocks 1-29.
    @Test func layersThatSelectNothingAreReported() throws {
        let (result, json) = try VeerProcess.logitsJSON(["--steer", Self.happy, "--layers", "0"])
        #expect(result.stderr.contains("on no blocks of its 1-29"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("warning: --layers 0 selects none of the vectors' blocks: this run is not steered"),
                "stderr: \(result.stderr)")
        #expect(try VeerProcess.steeredVectors(json).first?["blocks"] as? [Int] == [])
        let plain = try VeerProcess.logitsJSON([]).json
        #expect(json["top"] as? [[Double]] == plain["top"] as? [[Double]])
    }

    /// `logits` computes no generated position, so `--positions generated` steers nothing there.
    @Test func positionsThatSelectNothingAreReported() throws {
        let (result, _) = try VeerProcess.logitsJSON(["--steer", Self.happy, "--positions", "generated"])
        #expect(result.stderr.contains("warning: --positions generated selects none of this run's 5 positions (5 in the prompt): this run is not steered"),
                "stderr: \(result.stderr)")
        let list = try VeerProcess.logitsJSON(["--steer", Self.happy, "--positions", "2,3"]).result
        #expect(!list.stderr.contains("selects none"), "stderr: \(list.stderr)")
    }

    /// `--control-vector-scaled F S --control-vector-layer-range A B` is `--steer F:S --layers A-B`, negative scales
    /// included; `--control-vector F` is `--steer F`. Before: unknown options.
    @Test func llamaCppControlVectorOptions() throws {
        let ours = try VeerProcess.logitsJSON(["--steer", "\(Self.happy):-2", "--layers", "10-20"]).json
        let theirs = try VeerProcess.logitsJSON(["--control-vector-scaled", Self.happy, "-2", "--control-vector-layer-range", "10", "20"]).json
        #expect(theirs["top"] as? [[Double]] == ours["top"] as? [[Double]])
        #expect(try VeerProcess.steeredVectors(theirs).first?["strength"] as? Double == -2)
        #expect((theirs["run"] as? [String: Any]).flatMap { ($0["steering"] as? [String: Any])?["layers"] as? String } == "10-20")
        let plainSteer = try VeerProcess.logitsJSON(["--steer", Self.happy]).json
        let plainCV = try VeerProcess.logitsJSON(["--control-vector", Self.happy]).json
        #expect(plainCV["top"] as? [[Double]] == plainSteer["top"] as? [[Double]])
        #expect(plainCV["top"] as? [[Double]] != ours["top"] as? [[Double]])
        let outside = try VeerProcess.run(["logits", "--backend", "cpu", "--control-vector", Self.happy,
                                           "--control-vector-layer-range", "5", "31", Self.prompt])
        #expect(outside.status != 0)
        #expect(outside.stderr.contains("--control-vector-layer-range 5 31: the model has blocks 0...29"), "stderr: \(outside.stderr)")
    }

    /// A strength outside the file's veer.strength_range gets a warning naming both; inside it, none.
    @Test func strengthOutsideTheRecordedRangeIsWarned() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let out = directory.appending(path: "ranged.gguf").path
        let pairs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "examples/happy-sad-pairs.jsonl").path
        let extract = try VeerProcess.run(["extract", "--backend", "cpu", "--pairs", pairs, "--layers", "12-12",
                                           "--strength-range", "0:2", "--out", out])
        #expect(extract.status == 0, "stderr: \(extract.stderr)")
        let outside = try VeerProcess.logitsJSON(["--steer", "\(out):8"]).result
        #expect(outside.stderr.contains("warning: strength 8 lies outside the strength range 0...2 that \(out) records (veer.strength_range)"),
                "stderr: \(outside.stderr)")
        let inside = try VeerProcess.logitsJSON(["--steer", "\(out):1.5"]).result
        #expect(!inside.stderr.contains("outside the strength range"), "stderr: \(inside.stderr)")
    }
}
