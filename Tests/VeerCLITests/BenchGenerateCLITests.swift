import Foundation
import Testing
import TestSupport

/// `veer bench generate` through the built binary with tiny counts (the CI smoke run): every documented figure is
/// there and measured, per backend, and bad sizes are refused before anything runs.
@Suite("veer bench generate", .enabled(if: GenerateGoldenCLITests.enabled))
struct BenchGenerateCLITests {
    static let tiny = ["--rounds", "1", "--prompt-lengths", "8,16", "--decode-tokens", "4", "--steer-tokens", "2",
                       "--steer-rounds", "1", "--ctx-size", "64"]
    static let figures = ["prefill_tok_s", "pp512_tok_s", "decode_tok_s", "decode_ctx512_tok_s", "load_ms", "ttft_ms",
                          "peak_rss_mb", "memory_budget_mb"]
    static let overheadKeys: Set<String> = ["additive_1", "additive_all", "spherical_1", "spherical_all", "austeer_1",
                                            "austeer_all", "iti_1", "iti_all"]

    private func expectFigures(_ backend: [String: Any]?, name: String) {
        guard let backend else { Issue.record("no '\(name)' object"); return }
        for figure in Self.figures {
            let value = backend[figure] as? Double
            #expect(value.map { $0 > 0 && $0.isFinite } == true, "\(name).\(figure) = \(String(describing: backend[figure]))")
        }
        #expect(backend["precision"] as? String == "f32")
        let overhead = backend["steer_overhead_pct"] as? [String: Double] ?? [:]
        #expect(Set(overhead.keys) == Self.overheadKeys, "\(name) steer_overhead_pct: \(overhead)")
        #expect(overhead.values.allSatisfy { $0.isFinite })
        // Time to first token includes the load and a cold prefill.
        #expect((backend["ttft_ms"] as? Double ?? 0) > (backend["load_ms"] as? Double ?? .infinity))
    }

    @Test func cpuJSONHasEveryFigure() throws {
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu", "--json"] + Self.tiny)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        expectFigures(json["cpu"] as? [String: Any], name: "cpu")
        #expect(json["vulkan"] == nil)
        #expect(json["prompt_lengths"] as? [Int] == [8, 16])
        #expect((json["model_sha256"] as? String)?.count == 64)
    }

    @Test(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"))
    func allMeasuresBothBackends() throws {
        let run = try VeerProcess.run(["bench", "generate", "--backend", "all", "--json", "--rounds", "1", "--prompt-lengths", "4,8",
                                       "--decode-tokens", "2", "--steer-rounds", "0", "--ctx-size", "32"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        for name in ["cpu", "vulkan"] {
            let backend = json[name] as? [String: Any]
            #expect((backend?["decode_tok_s"] as? Double).map { $0 > 0 } == true, "\(name): \(String(describing: backend))")
            #expect(backend?["steer_overhead_pct"] as? [String: Double] == [:])
        }
    }

    /// `--scaling` on tiny lengths: one point per length, a fitted line, and an SVG plot where --plot says.
    @Test func scalingGivesPointsAFitAndAPlot() throws {
        let scratch = try ScratchDirectory()
        let plot = scratch.url.appending(path: "scaling.svg").path
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu", "--json", "--scaling", "--scaling-lengths", "8,4,16",
                                       "--plot", plot] + Self.tiny)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        let scaling = try #require((json["cpu"] as? [String: Any])?["scaling"] as? [String: Any])
        #expect(scaling["lengths"] as? [Int] == [4, 8, 16])
        for key in ["prefill_ms", "prefill_tok_s", "decode_ms_per_token"] {
            let values = scaling[key] as? [Double] ?? []
            #expect(values.count == 3 && values.allSatisfy { $0 > 0 }, "\(key): \(values)")
        }
        #expect((scaling["decode_fit_r2"] as? Double).map { $0 <= 1 } == true)
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("Decode time per token") && svg.contains("<polyline"))
        withExtendedLifetime(scratch) {}
    }

    @Test func tableOnStdout() throws {
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu"] + Self.tiny)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("decode tg4, tok/s") && run.stdout.contains("peak resident memory"), "\(run.stdout)")
        #expect(run.stderr.contains("warm-up round"))
    }

    @Test(arguments: [
        (["--prompt-lengths", "512"], "--prompt-lengths 512: expected two whole numbers"),
        (["--prompt-lengths", "64,8"], "--prompt-lengths 64,8"),
        (["--ctx-size", "16", "--prompt-lengths", "8,16"], "--ctx-size 16 cannot hold"),
        (["--rounds", "0"], "--rounds must be at least 1"),
        (["--precision", "f8"], "--precision f8"),
        (["--scaling", "--scaling-lengths", "128"], "--scaling-lengths 128: expected at least two"),
        (["--scaling", "--plot", "/nonexistent/dir/plot.svg"], "--plot /nonexistent/dir/plot.svg: the folder /nonexistent/dir does not exist"),
    ])
    func badSizesAreRefused(arguments: [String], message: String) throws {
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
    }
}
