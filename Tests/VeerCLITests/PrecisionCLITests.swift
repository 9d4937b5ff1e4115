import Foundation
import Testing
import TestSupport

/// `--precision`: the modes the help lists, q8 refused on Vulkan before anything loads, and the resolved mode in the
/// run manifest.
@Suite("veer --precision")
struct PrecisionCLITests {
    @Test func helpListsEachModeOnItsOwnLine() throws {
        let result = try VeerProcess.run(["generate", "--help"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("auto, f32, q8"))
        #expect(result.stdout.contains("f32: everything in f32"))
        #expect(result.stdout.contains("q8: llama.cpp's CPU arithmetic"))
    }

    @Test func q8OnVulkanIsAnError() throws {
        let result = try VeerProcess.run(["generate", "--backend", "vulkan", "--precision", "q8", "-n", "1", "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--precision q8 is a CPU mode"), "stderr: \(result.stderr)")
    }

    @Test func unknownModeNamesTheChoices() throws {
        let result = try VeerProcess.run(["logits", "--precision", "q4", "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--precision q4: supported: auto, f32, q8"), "stderr: \(result.stderr)")
    }

    /// The manifest records the mode that ran, and q8 logits differ from f32 ones (another arithmetic) while
    /// agreeing on the top token of a clear prompt.
    @Test(.enabled(if: GenerateGoldenCLITests.enabled)) func manifestRecordsTheResolvedMode() throws {
        var tops: [String: [[Double]]] = [:]
        for mode in ["f32", "q8"] {
            let result = try VeerProcess.run(["logits", "--backend", "cpu", "--precision", mode, "--top", "5", "--json",
                                              "The capital of France is"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let json = try #require(try result.json() as? [String: Any])
            let run = try #require(json["run"] as? [String: Any])
            #expect(run["precision"] as? String == mode)
            tops[mode] = try #require(json["top"] as? [[Double]])
            #expect(result.stderr.contains(mode == "q8" ? "SIMD16, q8 " : "SIMD16, f32)"), "stderr: \(result.stderr)")
        }
        let f32 = try #require(tops["f32"]), q8 = try #require(tops["q8"])
        #expect(Int(f32[0][0]) == 7042 && Int(q8[0][0]) == 7042)
        #expect(f32[0][1] != q8[0][1])
    }
}
