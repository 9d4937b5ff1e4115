import Foundation
import Kernels

/// What one generation produced, with its speed.
public struct GenerationResult: Sendable {
    /// The prompt's token ids.
    public var promptTokens: [Int32]
    /// The generated token ids, the end-of-generation token included when one ended it.
    public var tokens: [Int32]
    /// Why it stopped: "eog" (an end-of-generation token), "max_tokens", "context_full", "stop" (the caller asked;
    /// the CLI reports a stop string as "stop_string"), "degenerate" (broken logits, with `DegeneratePolicy.stop`).
    public var stopReason: String
    /// Why the logits broke down, when the stop reason is "degenerate".
    public var degenerate: DegenerateOutput?
    /// Wall time of the prompt pass.
    public var prefillSeconds: Double
    /// Wall time of the decode steps after the first token.
    public var decodeSeconds: Double
    /// Prompt tokens whose keys and values were already in the cache (not prefilled again).
    public var cachedPromptTokens = 0
    /// Prompt tokens prefilled (cached ones excluded) per second.
    public var prefillTokensPerSecond: Double {
        prefillSeconds > 0 ? Double(promptTokens.count - cachedPromptTokens) / prefillSeconds : 0
    }
    /// The tokens whose keys and values the cache of slot 0 holds afterwards, at positions 0..<count: the prompt and
    /// every generated token but the last (which was sampled, never fed back). A next turn that starts with them
    /// can pass their count as `cachedPrefix`.
    public var cachedTokens: [Int32] { promptTokens + tokens.dropLast() }
    /// Decode steps are the tokens after the first (the first comes from the prefill's logits).
    public var decodeTokensPerSecond: Double {
        decodeSeconds > 0 ? Double(max(0, tokens.count - 1)) / decodeSeconds : 0
    }
}

/// Prefill then token-by-token decode of one sequence (slot 0) on any backend. Selection happens on the device
/// (argmax, or topk candidates for sampling), so only a handful of numbers cross to the host per token.
public final class Generator<B: ComputeBackend> {
    /// The model it runs (slot 0 of its cache).
    public let model: LlamaModel<B>
    private let ids: B.Buffer       // int32 [256]
    private let values: B.Buffer    // f32 [256]

    /// A generator for `model`; allocates the small buffers selection returns its candidates in.
    public init(model: LlamaModel<B>) throws {
        self.model = model
        ids = try model.backend.makeBuffer(byteCount: 4 * TopKOp.maxK, label: "gen.ids")
        values = try model.backend.makeBuffer(byteCount: 4 * TopKOp.maxK, label: "gen.values")
    }

    /// Generates up to `maxTokens` tokens after `prompt`. Stops at a token of `stopTokens` (kept in the output)
    /// unless `ignoreEOS`; `onToken` sees each token as it comes and returns false to stop early.
    ///
    /// `cachedPrefix`: the first tokens of `prompt` whose keys and values slot 0's cache already holds, as computed
    /// (a chat's earlier turns, `GenerationResult.cachedTokens`); only the rest is prefilled. At least the last prompt
    /// token always runs, for its logits. The caller vouches that they were computed with the same steering.
    ///
    /// Every pass's logits are checked on the device (`RowHealthOp`, in the pass itself, read back with the token selection); degenerate
    /// logits (NaN, ±inf, or all equal) throw `DegenerateOutput`, or with `onDegenerate: .stop` end the generation
    /// with stop reason "degenerate". Either way the token they would give is never emitted.
    public func generate(prompt: [Int32], maxTokens: Int, sampling: SamplerSettings, stopTokens: Set<Int32>,
                         ignoreEOS: Bool = false, steering: ForwardSteering<B.Buffer>? = nil, cachedPrefix: Int = 0,
                         onDegenerate: DegeneratePolicy = .fail,
                         onToken: (Int32) throws -> Bool = { _ in true }) throws -> GenerationResult {
        try sampling.validate()
        guard !prompt.isEmpty else { throw ModelError.input("the prompt is empty: nothing to condition on") }
        let ctx = model.cache.shape.ctx
        guard prompt.count <= ctx else {
            throw ModelError.input("the prompt has \(prompt.count) tokens but the context holds \(ctx) (\(model.contextAdvice))")
        }
        var sampler = Sampler(sampling)
        var result = GenerationResult(promptTokens: prompt, tokens: [], stopReason: "max_tokens", prefillSeconds: 0, decodeSeconds: 0)
        do {
            try run(prompt: prompt, maxTokens: maxTokens, sampler: &sampler, stopTokens: stopTokens, ignoreEOS: ignoreEOS,
                    steering: steering, cachedPrefix: cachedPrefix, result: &result, onToken: onToken)
        } catch var failure as DegenerateOutput {
            failure.tokensBefore = result.tokens
            guard onDegenerate == .stop else { throw failure }
            result.stopReason = "degenerate"
            result.degenerate = failure
        }
        return result
    }

    /// The prefill and decode loop of `generate`, filling in `result` as it goes.
    private func run(prompt: [Int32], maxTokens: Int, sampler: inout Sampler, stopTokens: Set<Int32>, ignoreEOS: Bool,
                     steering: ForwardSteering<B.Buffer>?, cachedPrefix: Int, result: inout GenerationResult,
                     onToken: (Int32) throws -> Bool) throws {
        let ctx = model.cache.shape.ctx
        var history = prompt
        guard cachedPrefix >= 0 else { throw ModelError.input("cachedPrefix \(cachedPrefix) is negative") }
        result.cachedPromptTokens = min(cachedPrefix, prompt.count - 1)

        // Prefill in blocks of the model's row capacity; logits only for the last prompt row.
        let start = Date()
        var next = try profiled("prefill") { () throws -> Int32 in
            var done = result.cachedPromptTokens, lastStart = done
            while done < prompt.count {
                let n = min(model.maxRows, prompt.count - done)
                var batch = ForwardBatch.prefill(Array(prompt[done..<done + n]), start: Int32(done))
                if done + n < prompt.count { batch.logitRows = [] }
                try model.forward(batch, steering: steering)
                lastStart = done
                done += n
            }
            if steering?.rewritesNewestUnsteered == true {
                let last = Int32(prompt.count - 1)
                try model.forward(ForwardBatch(tokens: [prompt.last!], slots: [0], positions: [last], logitRows: []))
            }
            return try select(&sampler, history: history, steering: steering,
                              pass: ForwardBatch.prefill(Array(prompt[lastStart...]), start: Int32(lastStart)))
        }
        result.prefillSeconds = Date().timeIntervalSince(start)

        // Every later token runs the same recorded step: one slot, one row.
        let step = try DecodeStep(model: model, slots: [0], steering: steering, selection: selection(sampler.settings))
        let rewrite = steering?.rewritesNewestUnsteered == true
            ? try DecodeStep(model: model, slots: [0], steering: nil, computesLogits: false) : nil
        let decodeStart = Date()
        defer { result.decodeSeconds = Date().timeIntervalSince(decodeStart) }
        while result.tokens.count < maxTokens {
            result.tokens.append(next)
            history.append(next)
            if !ignoreEOS, stopTokens.contains(next) { result.stopReason = "eog"; break }
            if try !onToken(next) { result.stopReason = "stop"; break }
            if result.tokens.count == maxTokens { break }
            let position = prompt.count + result.tokens.count - 1
            guard position < ctx else { result.stopReason = "context_full"; break }
            next = try profiled("decode") {
                try step.run(tokens: [next], positions: [Int32(position)])
                try rewrite?.run(tokens: [next], positions: [Int32(position)])
                return try select(&sampler, history: history, steering: steering, selected: true,
                                  pass: ForwardBatch(tokens: [next], slots: [0], positions: [Int32(position)], logitRows: [0]))
            }
        }
    }

    /// Runs `body` as one step of `phase` in the backend's profile, when profiling is on.
    private func profiled<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard let profiler = model.backend.profiler else { return try body() }
        return try profiler.step(phase, body)
    }

    /// The selection every pass of a generation makes: argmax when greedy without a penalty, else the top-k
    /// candidates for the largest k the settings can ask for (`select` reads the first k it needs: they are the top k).
    /// The decode step records it; the prompt's last pass issues it itself.
    private func selection(_ settings: SamplerSettings) -> DecodeSelection<B.Buffer> {
        .choose(for: [settings], ids: ids, values: values, vocab: model.config.vocab)
    }

    /// Picks the next token from the logits of the last forward pass (row 0), `pass`. The pass checked its logits'
    /// health, which comes back with the selection; degenerate logits throw `DegenerateOutput` (after a per-block
    /// re-run of `pass`, built only then) before any token is picked from them. `selected`: the pass already made
    /// the selection (a decode step recorded with it).
    private func select(_ sampler: inout Sampler, history: [Int32], steering: ForwardSteering<B.Buffer>?,
                        selected: Bool = false, pass: @autoclosure () -> ForwardBatch) throws -> Int32 {
        let backend = model.backend, settings = sampler.settings
        let choice = selection(settings)
        if !selected { try choice.issue(on: backend, logits: model.state.logits, rows: 1, vocab: model.config.vocab) }
        if case .argmax = choice {
            let id: [Int32] = try backend.read(ids, count: 1)
            try model.checkLogits(rows: 1, of: pass(), steering: steering)
            return id[0]
        }
        let recent = history.suffix(settings.penaltyWindow)
        let k = settings.candidateCount(penalized: Set(recent).count, vocab: model.config.vocab)
        let topIds: [Int32] = try backend.read(ids, count: k)
        let topValues: [Float] = try backend.read(values, count: k)
        try model.checkLogits(rows: 1, of: pass(), steering: steering)
        return sampler.sample(candidates: zip(topIds, topValues).map { (id: $0, logit: $1) }, recent: recent[...])
    }
}
