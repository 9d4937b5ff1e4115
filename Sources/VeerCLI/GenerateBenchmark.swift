import KernelCases
import Foundation
import GGUF
import Kernels
import Llama
import Tokenizers

/// What `veer bench generate` measures, in what sizes.
struct GenerateBenchmarkPlan {
    /// The two prompt lengths: the first gives `prefill_tok_s` (128, llama-bench's pp128), the second `pp512_tok_s`
    /// and the context of `decode_ctx512_tok_s`.
    var promptLengths = [128, 512]
    /// Tokens decoded per decode figure (llama-bench's tg128).
    var decodeTokens = 128
    /// Counted rounds; one more runs first to warm up.
    var rounds = 3
    /// Tokens and rounds of the steering-overhead measurement (0 rounds: skipped).
    var steerTokens = 32
    var steerRounds = 3
    /// KV-cache positions of the measured model (the peak memory figure depends on it).
    var contextSize = 2048

    /// Prompt tokens: a fixed English paragraph, repeated to `count` tokens (BOS first when the model adds one).
    static func prompt(_ count: Int, tokenizer: Tokenizer, addBOS: Bool) -> [Int32] {
        let text = """
            The river ran past the old mill, where the miller's daughter kept a ledger of every sack of grain that \
            came through the door. In the spring the water rose and the wheel turned faster; in the autumn the farmers \
            brought their harvest and stayed to talk about the weather, the prices in town and the new road.
            """
        let body = tokenizer.encode(text, parseSpecial: false, addBOS: false).ids
        var tokens = addBOS ? [tokenizer.vocabulary.bos].compactMap { $0 } : []
        while tokens.count < count { tokens.append(body[tokens.count % body.count]) }
        return Array(tokens.prefix(count))
    }
}

/// Samples of one backend, one per counted round.
struct GenerateSamples: Encodable {
    var prefill_tok_s: [Double] = []
    var pp512_tok_s: [Double] = []
    var decode_tok_s: [Double] = []
    var decode_ctx512_tok_s: [Double] = []
    var load_ms: [Double] = []
    var ttft_ms: [Double] = []
}

/// One backend's figures (medians of the rounds), as `--json` prints them.
struct BackendFigures: Encodable {
    var backend: String
    var device: String
    var precision: String
    var threads: Int?
    var prefill_tok_s: Double
    var pp512_tok_s: Double
    var decode_tok_s: Double
    var decode_ctx512_tok_s: Double
    var load_ms: Double
    var ttft_ms: Double
    /// The process's peak resident memory while this backend ran (MiB); nil where it cannot be read.
    var peak_rss_mb: Double?
    /// What peak memory should stay within: the model file + the KV cache + 100 MiB.
    var memory_budget_mb: Double
    var kv_cache_mb: Double
    /// Bytes of weights the model reads per decoded token (every matrix once; a tied output head once).
    var weight_bytes: Int
    /// Extra time per decoded token, in percent of unsteered, keyed by method and `_1` (one block) or `_all`.
    var steer_overhead_pct: [String: Double]
    var samples: GenerateSamples
    /// With `--scaling`: time against length.
    var scaling: ScalingFigures?
}

/// Measures one backend: each round loads the model afresh (load time, then the time to the first token of the
/// first prompt on that cold model), then times, warm, a prefill of each prompt length, decode after the longer
/// prompt and decode from an empty context. Every generation is greedy with end-of-generation ignored, so each
/// decodes exactly the planned tokens.
final class GenerateBenchmark<B: ComputeBackend> {
    let backend: B
    let backendName: String
    let device: String
    let precision: String
    let threads: Int?
    let plan: GenerateBenchmarkPlan
    let path: URL
    let addBOS: Bool
    private var samples = GenerateSamples()
    private var peakMegabytes: Double?
    private var kvCacheBytes = 0
    private var weightBytes = 0

    init(backend: B, name: String, device: String, precision: String, threads: Int?, plan: GenerateBenchmarkPlan,
         path: URL, addBOS: Bool) {
        self.backend = backend
        self.backendName = name
        self.device = device
        self.precision = precision
        self.threads = threads
        self.plan = plan
        self.path = path
        self.addBOS = addBOS
    }

    /// Loads the model file, its tokenizer and the model on the backend, timed. Defaults: the plan's context, and rows
    /// for the longest prompt in one pass.
    private func load(contextSize: Int? = nil, maxRows: Int? = nil) throws -> (model: LlamaModel<B>, tokenizer: Tokenizer, milliseconds: Double) {
        let loaded = try WallClock.measure {
            let file = try GGUFFile(path: path.path)
            let tokenizer = try Tokenizer(metadata: file.metadata)
            let model = try LlamaModel(source: file, backend: backend, contextSize: contextSize ?? plan.contextSize,
                                       maxRows: maxRows ?? plan.promptLengths.max()!, maxLogitRows: 1)
            return (model, tokenizer)
        }
        return (loaded.value.0, loaded.value.1, loaded.milliseconds)
    }

    /// One round; `counted` false for the warm-up.
    func round(counted: Bool) throws {
        PeakMemory.reset()
        let (model, tokenizer, loadMilliseconds) = try load()
        kvCacheBytes = model.cache.bytes
        weightBytes = model.weights.bytes
        let generator = try Generator(model: model)
        let short = GenerateBenchmarkPlan.prompt(plan.promptLengths[0], tokenizer: tokenizer, addBOS: addBOS)
        let long = GenerateBenchmarkPlan.prompt(plan.promptLengths[1], tokenizer: tokenizer, addBOS: addBOS)
        func generate(_ prompt: [Int32], decode: Int) throws -> GenerationResult {
            try generator.generate(prompt: prompt, maxTokens: decode + 1, sampling: SamplerSettings(temperature: 0),
                                   stopTokens: [], ignoreEOS: true)
        }
        let cold = try generate(short, decode: 0)
        let warm = try generate(short, decode: 0)
        let longRun = try generate(long, decode: plan.decodeTokens)
        let fromEmpty = try generate(Array(short.prefix(1)), decode: plan.decodeTokens)
        if let peak = PeakMemory.residentMegabytes() { peakMegabytes = max(peakMegabytes ?? 0, peak) }
        guard counted else { return }
        samples.load_ms.append(loadMilliseconds)
        samples.ttft_ms.append(loadMilliseconds + 1000 * cold.prefillSeconds)
        samples.prefill_tok_s.append(warm.prefillTokensPerSecond)
        samples.pp512_tok_s.append(longRun.prefillTokensPerSecond)
        samples.decode_ctx512_tok_s.append(longRun.decodeTokensPerSecond)
        samples.decode_tok_s.append(fromEmpty.decodeTokensPerSecond)
    }

    /// The figures: medians of the counted rounds, and the steering overhead measured now (its own rounds).
    func figures() throws -> BackendFigures {
        var overhead: [String: Double] = [:]
        if plan.steerRounds > 0 {
            let (model, tokenizer, _) = try load()
            let prompt = tokenizer.encode("The weather today is", parseSpecial: true, addBOS: addBOS).ids
            for row in try SteeringOverhead.measure(model: model, prompt: prompt, tokens: plan.steerTokens,
                                                    rounds: plan.steerRounds) where row.steered_blocks > 0 {
                overhead[row.key] = row.overheadPercent
            }
        }
        let fileMegabytes = Double((try? FileManager.default.attributesOfItem(atPath: path.path)[.size] as? Int) ?? 0) / 1_048_576
        let kvMegabytes = Double(kvCacheBytes) / 1_048_576
        return BackendFigures(
            backend: backendName, device: device, precision: precision, threads: threads,
            prefill_tok_s: median(samples.prefill_tok_s), pp512_tok_s: median(samples.pp512_tok_s),
            decode_tok_s: median(samples.decode_tok_s), decode_ctx512_tok_s: median(samples.decode_ctx512_tok_s),
            load_ms: median(samples.load_ms), ttft_ms: median(samples.ttft_ms), peak_rss_mb: peakMegabytes,
            memory_budget_mb: fileMegabytes + kvMegabytes + 100, kv_cache_mb: kvMegabytes, weight_bytes: weightBytes,
            steer_overhead_pct: overhead, samples: samples)
    }

    /// Time against length (`--scaling`), on a model of its own sized for the longest length.
    func scaling(lengths: [Int]) throws -> ScalingFigures {
        let decodeTokens = 16
        let (model, tokenizer, _) = try load(contextSize: lengths.max()! + decodeTokens + 1, maxRows: 512)
        return try ScalingBenchmark.measure(model: model, tokenizer: tokenizer, addBOS: addBOS, lengths: lengths,
                                            decodeTokens: decodeTokens)
    }
}
