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

    /// `--compare llama.cpp` with a stand-in llama-bench (a script answering `-p LIST -n N -o json` as llama-bench
    /// does, 100 tok/s per prompt test and 50 per generation test): its rounds alternate with Veer's, its figures and
    /// the ratios land in the JSON, and the bandwidth probe gives the decode limit.
    @Test func compareWithAStandInLlamaBench() throws {
        let scratch = try ScratchDirectory()
        let fake = scratch.url.appending(path: "llama-bench")
        let log = scratch.url.appending(path: "calls.txt")
        try """
            #!/bin/sh
            echo "$@" >> \(log.path)
            while [ $# -gt 0 ]; do case "$1" in -p) p="$2"; shift;; -n) n="$2"; shift;; esac; shift; done
            out="["; sep=""
            for x in $(echo "$p" | tr ',' ' '); do
              [ "$x" = 0 ] && continue
              out="$out$sep"'{"n_prompt": '"$x"', "n_gen": 0, "samples_ts": [100.0], "build_commit": "fake"}'; sep=","
            done
            if [ "$n" != 0 ]; then out="$out$sep"'{"n_prompt": 0, "n_gen": '"$n"', "samples_ts": [50.0], "build_commit": "fake"}'; fi
            echo "$out]"
            """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu", "--json", "--compare", "llama.cpp",
                                       "--llama-bench", fake.path, "--bandwidth-megabytes", "8"] + Self.tiny)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        let llama = try #require(json["llama_cpp"] as? [String: Any])
        #expect(llama["prefill_tok_s"] as? Double == 100 && llama["pp512_tok_s"] as? Double == 100)
        #expect(llama["decode_tok_s"] as? Double == 50 && llama["build_commit"] as? String == "fake")
        let cpu = try #require(json["cpu"] as? [String: Any])
        let ratios = try #require((json["ratios"] as? [String: Any])?["cpu"] as? [String: Double])
        func close(_ a: Double?, _ b: Double?) -> Bool { a != nil && b != nil && abs(a! - b!) <= 1e-9 * abs(b!) }
        #expect(close(ratios["decode"], (cpu["decode_tok_s"] as? Double).map { $0 / 50 }), "\(ratios)")
        #expect(close(ratios["prefill"], (cpu["prefill_tok_s"] as? Double).map { $0 / 100 }), "\(ratios)")
        let bandwidth = try #require(json["bandwidth"] as? [String: Double])
        #expect((bandwidth["read_gb_s"] ?? 0) > 0 && (bandwidth["decode_limit_tok_s"] ?? 0) > 0)
        // Warm-up and one counted round, each: tg, pp, and the one-token startup run.
        let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(calls.count == 6, "\(calls)")
        #expect(calls.first?.contains("-p 0 -n 4") == true && calls.contains { $0.contains("-p 8,16 -n 0") }, "\(calls)")
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
        (["--compare", "vllm"], "--compare vllm: the one engine Veer compares with is llama.cpp"),
        (["--llama-bench", "/bin/true"], "--llama-bench needs --compare llama.cpp"),
        (["--compare", "llama.cpp", "--llama-bench", "/nonexistent/llama-bench"], "/nonexistent/llama-bench"),
        (["--scaling", "--scaling-lengths", "128"], "--scaling-lengths 128: expected at least two"),
        (["--scaling", "--plot", "/nonexistent/dir/plot.svg"], "--plot /nonexistent/dir/plot.svg: the folder /nonexistent/dir does not exist"),
    ])
    func badSizesAreRefused(arguments: [String], message: String) throws {
        let run = try VeerProcess.run(["bench", "generate", "--backend", "cpu"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
    }
}
