import Foundation
import TestSupport
import Testing

/// `--control-vector-layer-range START END` keeps llama.cpp's defaults: a START <= 0 is block 1 and an END <= 0 is
/// n_layer (common.cpp turns its unset -1 into those), so `0 0` steers every block of the file.
@Suite("veer: llama.cpp layer range defaults", .enabled(if: ModelFixture.enabled))
struct ControlVectorLayerRangeCLITests {
    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }

    /// Before: `0 0` became --layers 0-0, which steers none of the file's blocks 1-29.
    @Test func zeroMeansTheWholeModel() throws {
        let (result, json) = try VeerProcess.logitsJSON(["--control-vector", Self.happy, "--control-vector-layer-range", "0", "0"])
        #expect(result.stderr.contains("on blocks 1-29 of its 1-29"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("not steered"), "stderr: \(result.stderr)")
        #expect(VeerProcess.steeredLayers(json) == "1-30")
        let all = try VeerProcess.logitsJSON(["--steer", Self.happy]).json
        #expect(json["top"] as? [[Double]] == all["top"] as? [[Double]])
    }

    /// Before: `-1 12` was refused (START must be >= 0); llama.cpp reads it as 1 to 12.
    @Test func negativeStartIsBlockOneAndNegativeEndIsTheLastBlock() throws {
        let (result, json) = try VeerProcess.logitsJSON(["--control-vector", Self.happy, "--control-vector-layer-range", "-1", "12"])
        #expect(result.stderr.contains("on blocks 1-12 of its 1-29"), "stderr: \(result.stderr)")
        #expect(VeerProcess.steeredLayers(json) == "1-12")
        let (tail, _) = try VeerProcess.logitsJSON(["--control-vector", Self.happy, "--control-vector-layer-range", "20", "-1"])
        #expect(tail.stderr.contains("on blocks 20-29 of its 1-29"), "stderr: \(tail.stderr)")
    }

    /// A one-block range is one block, said in the singular (before: "on blocks 12 of its 1-29").
    @Test func oneBlockRange() throws {
        let (result, json) = try VeerProcess.logitsJSON(["--control-vector", Self.happy, "--control-vector-layer-range", "12", "12"])
        #expect(result.stderr.contains("at strength 1 on block 12 of its 1-29;"), "stderr: \(result.stderr)")
        #expect(VeerProcess.steeredLayers(json) == "12-12")
    }
}
