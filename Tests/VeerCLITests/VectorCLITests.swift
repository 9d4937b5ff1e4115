import Foundation
import TestSupport
import Testing

/// `veer vector` end to end on the golden llama.cpp vector (no model needed, except for convert --model).
@Suite("veer vector")
struct VectorCLITests {
    static var golden: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "SteeringTests/Fixtures")
    static let repeng = fixtures.appending(path: "repeng-tiny.gguf").path
    static let block0 = fixtures.appending(path: "veer-block0-tiny.gguf").path
    static let defaultModelFingerprint = "2572b027ee18aa7b6a497af70000b985454575b55ba40131acdef6fd8b5acebe"

    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func path(_ name: String) -> String { scratch.url.appending(path: name).path }

    /// `veer vector info --json FILE` as a dictionary.
    func info(_ file: String) throws -> [String: Any] {
        let result = try VeerProcess.run(["vector", "info", "--json", file])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try result.json() as? [String: Any])
    }

    /// Block index -> direction norm, from `info`.
    func norms(_ file: String) throws -> [Int: Double] {
        let blocks = try #require(try info(file)["blocks"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: blocks.map { ($0["block"] as! Int, $0["direction_norm"] as! Double) })
    }

    /// Runs a writing subcommand and expects success with the output path on stdout.
    func write(_ arguments: [String], out: String) throws {
        let result = try VeerProcess.run(["vector"] + arguments + ["--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == out)
    }

    @Test func infoShowsFormatKeysBlocksAndNorms() throws {
        let text = try VeerProcess.run(["vector", "info", Self.golden])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        for expected in ["llama.cpp", "add at resid_post", "576", "controlvector.layer_count (int32) = 29", "29 blocks: 1-29"] {
            #expect(text.stdout.contains(expected), "missing '\(expected)' in: \(text.stdout)")
        }
        let json = try info(Self.golden)
        #expect(json["format"] as? String == "llama.cpp" && json["width"] as? Int == 576 && json["site"] as? String == "resid_post")
        let metadata = try #require(json["metadata"] as? [[String: String]])
        #expect(metadata.map { $0["key"] } == ["general.architecture", "controlvector.model_hint", "controlvector.layer_count"])
        let norms = try norms(Self.golden)
        #expect(norms.keys.sorted() == Array(1...29) && norms.values.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    /// `--by -2` needs `parsing: .unconditional`; without it the parser takes "-2" for an option.
    @Test func scaleAcceptsANegativeFactor() throws {
        let out = path("scaled.gguf")
        try write(["scale", Self.golden, "--by", "-2"], out: out)
        let original = try norms(Self.golden), scaled = try norms(out)
        #expect(scaled.keys.sorted() == original.keys.sorted())
        for (block, norm) in original { #expect(abs(scaled[block]! - 2 * norm) < 1e-5) }
        let json = try info(out)
        #expect(json["format"] as? String == "veer" && json["converted_from"] as? String == "llama.cpp")
    }

    @Test func addWeighsEachFileIncludingNegativeWeights() throws {
        let out = path("sum.gguf")
        try write(["add", Self.golden, Self.golden + ":-0.25"], out: out)
        for (block, norm) in try norms(out) { #expect(abs(norm - 0.75) < 1e-4, "block \(block)") }
        let cancelled = path("zero.gguf")
        try write(["add", Self.golden + ":0.5", Self.golden + ":-0.5"], out: cancelled)
        #expect(try norms(cancelled).values.allSatisfy { $0 == 0 })
    }

    @Test func normalizeGivesUnitNorms() throws {
        let out = path("unit.gguf")
        try write(["normalize", Self.repeng], out: out)
        let norms = try norms(out)
        #expect(norms.keys.sorted() == [1, 2, 3] && norms.values.allSatisfy { abs($0 - 1) < 1e-6 })
    }

    /// convert keeps every direction bit for bit (norms print identically) and marks the origin.
    @Test func convertRoundTripsTheGoldenVector() throws {
        let out = path("converted.gguf")
        try write(["convert", Self.golden], out: out)
        #expect(try norms(out) == (try norms(Self.golden)))
        let json = try info(out)
        #expect(json["format"] as? String == "veer" && json["converted_from"] as? String == "llama.cpp")
        #expect(json["fingerprint"] == nil)
    }

    @Test(.enabled(if: ModelFixture.path != nil))
    func convertWithTheModelRecordsItsFingerprint() throws {
        let out = path("bound.gguf")
        try write(["convert", Self.golden, "--model", try #require(ModelFixture.path)], out: out)
        let json = try info(out)
        #expect(json["fingerprint"] as? String == Self.defaultModelFingerprint && json["model_hint"] as? String == "llama")
        // A vector of another width does not fit the model: an error naming both widths.
        let wrong = try VeerProcess.run(["vector", "convert", Self.repeng, "--model", try #require(ModelFixture.path), "--out", path("no.gguf")])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("width 8") && wrong.stderr.contains("576"), "stderr: \(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("no.gguf")))
    }

    /// A vector with a block-0 direction (written by gguf-py, tools/vector-fixtures.py) stays Veer-only, and every
    /// command that writes one says so on stderr while stdout carries only the output path.
    @Test func blockZeroWarningGoesToStderr() throws {
        let out = path("block0.gguf")
        let result = try VeerProcess.run(["vector", "scale", Self.block0, "--by", "2", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("warning") && result.stderr.contains("veer.direction.0"), "stderr: \(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == out)
        #expect(try norms(out).keys.sorted() == [0, 1])
        let plain = try VeerProcess.run(["vector", "scale", Self.golden, "--by", "1", "--out", path("plain.gguf")])
        #expect(plain.status == 0 && plain.stderr.isEmpty, "stderr: \(plain.stderr)")
    }

    @Test func badInputIsAClearError() throws {
        let notVector = path("text.gguf")
        try Data("not a GGUF file".utf8).write(to: URL(fileURLWithPath: notVector))
        let bad = try VeerProcess.run(["vector", "info", notVector])
        #expect(bad.status != 0 && bad.stderr.contains(notVector), "stderr: \(bad.stderr)")
        let one = try VeerProcess.run(["vector", "add", Self.golden, "--out", path("one.gguf")])
        #expect(one.status != 0 && one.stderr.contains("at least two"), "stderr: \(one.stderr)")
        let missingBy = try VeerProcess.run(["vector", "scale", Self.golden, "--out", path("x.gguf")])
        #expect(missingBy.status != 0 && missingBy.stderr.contains("--by"), "stderr: \(missingBy.stderr)")
        let widths = try VeerProcess.run(["vector", "add", Self.golden, Self.repeng, "--out", path("mixed.gguf")])
        #expect(widths.status != 0 && widths.stderr.contains("widths differ"), "stderr: \(widths.stderr)")
        let infinite = try VeerProcess.run(["vector", "add", Self.golden, Self.golden + ":inf", "--out", path("inf.gguf")])
        #expect(infinite.status != 0 && infinite.stderr.contains("finite"), "stderr: \(infinite.stderr)")
    }
}
