import ArgumentParser
import Foundation
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import ModelStore

/// `veer bench generate`: end-to-end speed on a model, the figures users compare engines by. Each figure is the
/// median of several rounds after a warm-up round (`GenerateBenchmark`); the steering overhead reuses
/// `veer bench steering`'s measurement.
struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Time prefill, decode, load, time to first token, peak memory and steering overhead on a model.")

    enum Backends: String, CaseIterable, ExpressibleByArgument {
        case auto, cpu, vulkan, all
    }

    @OptionGroup var location: ModelPathOption
    @Option(help: "Backends to measure: auto (a GPU if present, else CPU), cpu, vulkan or all.")
    var backend: Backends = .auto
    @Option(help: PrecisionChoice.help)
    var precision: String = Precision.f32.rawValue
    @OptionGroup var threading: ThreadOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Counted rounds (one more warms up first); each figure is their median.")
    var rounds = 3
    @Option(help: "The two prompt lengths timed: the first gives prefill_tok_s, the second pp512_tok_s and decode_ctx512_tok_s.")
    var promptLengths = "128,512"
    @Option(help: "Tokens decoded per decode figure.")
    var decodeTokens = 128
    @Option(help: "Tokens decoded per steering-overhead measurement.")
    var steerTokens = 32
    @Option(help: "Rounds of the steering-overhead measurement (0 skips it).")
    var steerRounds = 3
    @Option(name: [.customShort("c"), .customLong("ctx-size")], help: "KV-cache positions of the measured model.")
    var contextSize = 2048
    @Flag(help: "Also time prefill against prompt length and decode against context length (table, SVG plot).")
    var scaling = false
    @Option(help: "The lengths --scaling measures.")
    var scalingLengths = ScalingBenchmark.defaultLengths.map(String.init).joined(separator: ",")
    @Option(help: "Where --scaling writes its SVG plot.")
    var plot = "veer-scaling.svg"
    @Option(help: "Also run llama.cpp's llama-bench in the same rounds and print the ratios (the one value: llama.cpp).")
    var compare: String?
    @Option(help: "The llama-bench to compare with (default: the cached build, made on first use from llama-cpp-python==0.3.36).")
    var llamaBench: String?
    @Option(help: "MiB per array of the memory-bandwidth probe that runs with --compare (3 arrays).")
    var bandwidthMegabytes = 128

    /// The scaling lengths, checked.
    func scalingLengthList() throws -> [Int] {
        guard let values = Self.tokenCounts(scalingLengths), values.count >= 2 else {
            throw ValidationError("--scaling-lengths \(scalingLengths): expected at least two whole numbers of tokens, each at least 1")
        }
        return values.sorted()
    }

    /// The prompt lengths, checked.
    func lengths() throws -> [Int] {
        guard let values = Self.tokenCounts(promptLengths), values.count == 2, values[1] >= values[0] else {
            throw ValidationError("--prompt-lengths \(promptLengths): expected two whole numbers, the first at least 1 and at most the second (e.g. 128,512)")
        }
        return values
    }

    /// A comma-separated list of token counts, each at least 1; nil when any is not.
    static func tokenCounts(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.map { $0! }
    }

    func validate() throws {
        try PrecisionChoice.validate(precision)
        if let compare, compare != "llama.cpp" {
            throw ValidationError("--compare \(compare): the one engine Veer compares with is llama.cpp (--compare llama.cpp)")
        }
        if llamaBench != nil, compare == nil { throw ValidationError("--llama-bench needs --compare llama.cpp") }
        guard bandwidthMegabytes >= 1 else { throw ValidationError("--bandwidth-megabytes must be at least 1, got \(bandwidthMegabytes)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard decodeTokens >= 2 else { throw ValidationError("--decode-tokens must be at least 2, got \(decodeTokens)") }
        guard steerRounds >= 0 else { throw ValidationError("--steer-rounds must be at least 0, got \(steerRounds)") }
        guard steerTokens >= 2 else { throw ValidationError("--steer-tokens must be at least 2, got \(steerTokens)") }
        if scaling {
            _ = try scalingLengthList()
            let folder = URL(fileURLWithPath: plot).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("--plot \(plot): the folder \(folder) does not exist")
            }
        }
        let longest = try lengths()[1]
        guard longest + decodeTokens + 1 <= contextSize else {
            throw ValidationError("--ctx-size \(contextSize) cannot hold the longest prompt (\(longest)) and --decode-tokens \(decodeTokens)")
        }
    }

    var plan: GenerateBenchmarkPlan {
        GenerateBenchmarkPlan(promptLengths: (try? lengths()) ?? [128, 512], decodeTokens: decodeTokens, rounds: rounds,
                              steerTokens: steerTokens, steerRounds: steerRounds, contextSize: contextSize)
    }

    /// Everything `--json` prints.
    struct Report: Encodable {
        var model: String
        var model_sha256: String
        var veer_version: String
        var prompt_lengths: [Int]
        var decode_tokens: Int
        var rounds: Int
        var cpu: BackendFigures?
        var vulkan: BackendFigures?
        /// With --compare: llama.cpp's figures, Veer / llama.cpp per backend, and decode against the memory bandwidth.
        var llama_cpp: LlamaCppFigures?
        var ratios: [String: SpeedRatios]?
        var bandwidth: BandwidthFigures?
    }

    func run() throws {
        let (path, file, tokenizer) = try location.open()
        let addBOS = tokenizer.vocabulary.addsBOS
        let threads = try threading.resolved()
        let plan = plan
        let (measureCPU, measureVulkan): (Bool, Bool)
        switch backend {
        case .cpu: (measureCPU, measureVulkan) = (true, false)
        case .vulkan: (measureCPU, measureVulkan) = (false, true)
        case .all: (measureCPU, measureVulkan) = (true, true)
        case .auto: (measureCPU, measureVulkan) = try ModelLoader.chooseBackend(.auto) == .cpu ? (true, false) : (false, true)
        }
        _ = try LlamaConfig(from: file)   // a file that is not a Llama model fails here, before any timing

        var rounds: [(name: String, round: (Bool) throws -> Void, figures: () throws -> BackendFigures,
                      scaling: ([Int]) throws -> ScalingFigures)] = []
        if measureCPU {
            let mode = try PrecisionChoice.resolve(precision, backend: .cpu)
            let cpu = try BackendFactory.cpu(threads: threads, precision: mode)
            let bench = GenerateBenchmark(backend: cpu, name: "cpu", device: cpu.name, precision: mode.rawValue,
                                          threads: cpu.threads, plan: plan, path: path, addBOS: addBOS)
            rounds.append(("cpu", bench.round, bench.figures, bench.scaling))
        }
        if measureVulkan {
            let mode = try PrecisionChoice.resolve(precision, backend: .vulkan)   // q8 is a CPU mode: an error here
            let vulkan = try BackendFactory.vulkan()
            let bench = GenerateBenchmark(backend: vulkan, name: "vulkan", device: vulkan.deviceInfo.name, precision: mode.rawValue,
                                          threads: nil, plan: plan, path: path, addBOS: addBOS)
            rounds.append(("vulkan", bench.round, bench.figures, bench.scaling))
        }
        let llama = try compare.map { _ in
            // The same threads as Veer's CPU backend: --threads, else every core.
            let llamaThreads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            return LlamaCppComparison(bench: try LlamaCppBench.locate(explicit: llamaBench, log: Console.note), model: path.path,
                                      threads: llamaThreads, plan: plan,
                                      veerStartup: ["generate", "-m", path.path, "--backend", "cpu", "--precision", precision,
                                                    "-t", String(llamaThreads), "-n", "1", "--temp", "0", "Hello"])
        }
        // Rounds alternate the backends and llama.cpp, so a drift in the machine's speed touches all of them alike.
        for round in 0...plan.rounds {
            for entry in rounds {
                Console.note(round == 0 ? "\(entry.name): warm-up round" : "\(entry.name): round \(round) of \(plan.rounds)")
                try entry.round(round > 0)
            }
            if let llama {
                Console.note(round == 0 ? "llama.cpp: warm-up round" : "llama.cpp: round \(round) of \(plan.rounds)")
                try llama.round(counted: round > 0)
            }
        }
        var report = Report(model: path.path, model_sha256: try ModelStore().cachedSHA256(of: path), veer_version: RunManifest.version,
                            prompt_lengths: plan.promptLengths, decode_tokens: plan.decodeTokens, rounds: plan.rounds)
        for entry in rounds {
            if plan.steerRounds > 0 { Console.note("\(entry.name): steering overhead") }
            var figures = try entry.figures()
            if scaling {
                Console.note("\(entry.name): scaling with length")
                figures.scaling = try entry.scaling(try scalingLengthList())
            }
            if entry.name == "cpu" { report.cpu = figures } else { report.vulkan = figures }
        }
        let measured = [report.cpu, report.vulkan].compactMap { $0 }
        if let llama {
            let figures = llama.figures()
            report.llama_cpp = figures
            report.ratios = Dictionary(uniqueKeysWithValues: measured.map { ($0.backend, SpeedRatios($0, figures)) })
            if let cpu = report.cpu {
                Console.note("memory bandwidth probe (3 × \(bandwidthMegabytes) MiB)")
                let probe = BandwidthProbe.measure(threads: cpu.threads ?? 1, megabytesPerArray: bandwidthMegabytes, repetitions: 5)
                let limit = probe.decodeLimitGBps * 1e9 / Double(cpu.weight_bytes)
                report.bandwidth = BandwidthFigures(read_gb_s: probe.readGBps, triad_gb_s: probe.triadGBps,
                                                    weight_bytes_per_token: cpu.weight_bytes, decode_limit_tok_s: limit,
                                                    decode_fraction: cpu.decode_tok_s / limit)
            }
        }
        if scaling {
            let series = measured.compactMap { f in f.scaling.map { (backend: "\(f.backend) (\(f.precision))", figures: $0) } }
            do {
                try ScalingBenchmark.plot(series).write(toFile: plot, atomically: true, encoding: .utf8)
            } catch {
                throw InvalidInput("--plot \(plot): cannot write the scaling plot: \(error.localizedDescription)")
            }
            Console.note("scaling plot: \(plot)")
        }
        if output.json { try Console.json(report); return }
        Console.output(BenchGenerateTable.render(report))
        for figures in measured {
            if let scaling = figures.scaling { Console.output(ScalingBenchmark.table(scaling, backend: figures.backend)) }
        }
    }
}
