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
    @Option(help: "Arithmetic: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")).")
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
        guard Precision(rawValue: precision) != nil else {
            throw ValidationError("--precision \(precision): supported: \(Precision.allCases.map(\.rawValue).joined(separator: ", "))")
        }
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
            let cpu = try BackendFactory.cpu(threads: threads, precision: try PrecisionChoice.resolve(precision, backend: .cpu))
            let bench = GenerateBenchmark(backend: cpu, name: "cpu", device: cpu.name, precision: precision,
                                          threads: cpu.threads, plan: plan, path: path, addBOS: addBOS)
            rounds.append(("cpu", bench.round, bench.figures, bench.scaling))
        }
        if measureVulkan {
            _ = try PrecisionChoice.resolve(precision, backend: .vulkan)   // q8 is a CPU mode: an error here
            let vulkan = try BackendFactory.vulkan()
            let bench = GenerateBenchmark(backend: vulkan, name: "vulkan", device: vulkan.deviceInfo.name, precision: precision,
                                          threads: nil, plan: plan, path: path, addBOS: addBOS)
            rounds.append(("vulkan", bench.round, bench.figures, bench.scaling))
        }
        // Rounds alternate the backends, so a drift in the machine's speed touches all of them alike.
        for round in 0...plan.rounds {
            for entry in rounds {
                Console.note(round == 0 ? "\(entry.name): warm-up round" : "\(entry.name): round \(round) of \(plan.rounds)")
                try entry.round(round > 0)
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
