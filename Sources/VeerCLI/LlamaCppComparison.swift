import KernelCases
import Foundation
import KernelsCPU

/// `veer bench generate --compare llama.cpp`: llama.cpp's llama-bench on the same model file and threads, one round
/// after each of Veer's rounds (so a drift in the machine's speed touches both alike), and the ratios.
final class LlamaCppComparison {
    let bench: LlamaCppBench
    let model: String
    let threads: Int
    let plan: GenerateBenchmarkPlan
    /// Arguments of a `veer generate` that starts, loads the model and gives one token (the startup comparison).
    let veerStartup: [String]
    private var samples: [String: [Double]] = [:]
    private var build = ""
    /// The largest peak resident memory of the llama-bench processes, read before the first `veer` child runs (the
    /// kernel keeps one maximum over all waited-for children).
    private var peakMegabytes: Double?

    init(bench: LlamaCppBench, model: String, threads: Int, plan: GenerateBenchmarkPlan, veerStartup: [String]) {
        self.bench = bench
        self.model = model
        self.threads = threads
        self.plan = plan
        self.veerStartup = veerStartup
    }

    /// One round: `-p 0 -n N` (tg128), `-p P1,P2 -n 0` (pp128, pp512), and the startup of each program: llama-bench
    /// `-p 1 -n 0 -r 1` against `veer generate -n 1`, both whole processes from start to exit.
    func round(counted: Bool) throws {
        let generation = try bench.run(model: model, threads: threads, prompts: [], generate: plan.decodeTokens, repetitions: 1)
        let prompts = try bench.run(model: model, threads: threads, prompts: plan.promptLengths, generate: 0, repetitions: 1)
        let llamaStartup = try WallClock.measure {
            try bench.run(model: model, threads: threads, prompts: [1], generate: 0, repetitions: 1)
        }.milliseconds
        if peakMegabytes == nil { peakMegabytes = PeakMemory.childrenMegabytes() }
        let veerStartupMs = try WallClock.measure { try Self.runSelf(veerStartup) }.milliseconds
        guard counted else { return }
        func add(_ key: String, _ test: String, from results: [LlamaCppResult]) throws {
            guard let result = results.first(where: { $0.test == test }) else {
                throw InvalidInput("llama-bench printed no \(test) result (it printed \(results.map(\.test)))")
            }
            build = result.buildCommit
            samples[key, default: []] += result.tokensPerSecond
        }
        try add("decode_tok_s", "tg\(plan.decodeTokens)", from: generation)
        try add("prefill_tok_s", "pp\(plan.promptLengths[0])", from: prompts)
        try add("pp512_tok_s", "pp\(plan.promptLengths[1])", from: prompts)
        samples["startup_ms", default: []].append(llamaStartup)
        samples["veer_startup_ms", default: []].append(veerStartupMs)
    }

    /// llama.cpp's figures: medians of the counted rounds; its peak memory is the largest of its processes' in the
    /// first round (each round runs the same tests).
    func figures() -> LlamaCppFigures {
        LlamaCppFigures(prefill_tok_s: median(samples["prefill_tok_s"] ?? []), pp512_tok_s: median(samples["pp512_tok_s"] ?? []),
                        decode_tok_s: median(samples["decode_tok_s"] ?? []), startup_ms: median(samples["startup_ms"] ?? []),
                        veer_startup_ms: median(samples["veer_startup_ms"] ?? []),
                        peak_rss_mb: peakMegabytes ?? 0, threads: threads, build_commit: build,
                        executable: bench.executable.path, package: LlamaCppBench.pinnedPackage, samples: samples)
    }

    /// Runs this veer binary with `arguments`, its output discarded, started like every other tool (`ToolProcess`);
    /// a failure is an error quoting the command.
    static func runSelf(_ arguments: [String]) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let status = try ToolProcess.run(executable, arguments, log: URL(fileURLWithPath: "/dev/null"))
        guard status == 0 else {
            throw InvalidInput("veer \(arguments.joined(separator: " ")) exited with status \(status)")
        }
    }
}

/// What `--json` prints under `llama_cpp`.
struct LlamaCppFigures: Encodable {
    var prefill_tok_s: Double
    var pp512_tok_s: Double
    var decode_tok_s: Double
    /// llama-bench `-p 1 -n 0 -r 1` from start to exit: load, one warm-up and one one-token prompt.
    var startup_ms: Double
    /// `veer generate -n 1` from start to exit, timed the same way in the same rounds.
    var veer_startup_ms: Double
    /// The largest peak resident memory among the llama-bench processes (MiB).
    var peak_rss_mb: Double
    var threads: Int
    var build_commit: String
    var executable: String
    var package: String
    var samples: [String: [Double]]
}

/// Veer / llama.cpp for each speed figure (above 1: Veer is faster); for startup and memory llama.cpp / Veer (above
/// 1: Veer starts faster, uses less memory).
struct SpeedRatios: Encodable {
    var prefill: Double
    var pp512: Double
    var decode: Double
    var startup: Double
    var memory: Double?

    init(_ veer: BackendFigures, _ llama: LlamaCppFigures) {
        prefill = veer.prefill_tok_s / llama.prefill_tok_s
        pp512 = veer.pp512_tok_s / llama.pp512_tok_s
        decode = veer.decode_tok_s / llama.decode_tok_s
        startup = llama.startup_ms / llama.veer_startup_ms
        memory = veer.peak_rss_mb.map { llama.peak_rss_mb / $0 }
    }
}

/// Decode against the memory-bandwidth limit: every weight byte is read once per token.
struct BandwidthFigures: Encodable {
    var read_gb_s: Double
    var triad_gb_s: Double
    var weight_bytes_per_token: Int
    /// read bandwidth / weight bytes per token.
    var decode_limit_tok_s: Double
    /// decode_tok_s / decode_limit_tok_s of the CPU backend.
    var decode_fraction: Double
}
