import Foundation
import Kernels

/// One sequence for `BatchGenerator`: its prompt, how many tokens to generate and how to pick them (each request has
/// its own sampler, seeded by its own `sampling.seed`).
public struct GenerationRequest: Sendable {
    /// The prompt's token ids (at least one).
    public var prompt: [Int32]
    /// The most tokens to generate.
    public var maxTokens: Int
    /// Temperature, top-k/p, min-p, penalty and seed of this sequence.
    public var sampling: SamplerSettings
    /// Tokens that end this sequence (kept in its output) unless `ignoreEOS`.
    public var stopTokens: Set<Int32>
    /// Go on past the stop tokens.
    public var ignoreEOS: Bool

    public init(prompt: [Int32], maxTokens: Int, sampling: SamplerSettings, stopTokens: Set<Int32>, ignoreEOS: Bool = false) {
        self.prompt = prompt; self.maxTokens = maxTokens; self.sampling = sampling
        self.stopTokens = stopTokens; self.ignoreEOS = ignoreEOS
    }
}

/// Generates several independent sequences at once, one KV-cache slot each. Requests run in waves of at most
/// `min(slots, maxRows, maxLogitRows)` sequences, request k of a wave in slot k:
///
/// 1. every prompt of the wave but its last token, packed into passes of up to `maxRows` rows, without logits;
/// 2. decode steps over the wave's still-active sequences together, one row each (the first step feeds each prompt's
///    last token, whose logits give its first token). A sequence that ends (end-of-generation token, its token limit,
///    its context, the caller's stop, degenerate logits) drops out and the step is recorded again for the rest.
///
/// Rows of a pass do not depend on the other rows in it (the `ComputeBackend` contract; `MCScorer` relies on it too),
/// and each sequence samples from its own seeded `Sampler` over the device's top-k candidates as `Generator` does, so
/// every sequence gets exactly the tokens `Generator` gives it alone with the same settings and steering.
///
/// Degenerate logits (NaN, ±inf, all equal) end only their own sequence, with stop reason "degenerate" and the
/// diagnosis (a per-block re-run of that row) in `GenerationResult.degenerate`; the token they would give is never
/// emitted and the other sequences go on.
public final class BatchGenerator<B: ComputeBackend> {
    /// The model it runs; its cache's slots bound a wave.
    public let model: LlamaModel<B>
    private let ids: B.Buffer       // int32 [wave, 256]
    private let values: B.Buffer    // f32 [wave, 256]

    /// The most sequences one wave runs together.
    public var waveSize: Int { min(model.cache.shape.slots, model.maxRows, model.maxLogitRows) }

    /// What steers one wave: called with the indices of the requests in slots 0..<n of that wave, it returns the
    /// steering of those slots (e.g. `BatchSteering(model:sequences:).forward` with request `indices[k]`'s steering as
    /// sequence k), or nil for none.
    public typealias WaveSteering = (_ requestIndices: [Int]) throws -> ForwardSteering<B.Buffer>?

    /// A generator for `model`; allocates the candidate buffers of a full wave.
    public init(model: LlamaModel<B>) throws {
        self.model = model
        let rows = min(model.cache.shape.slots, model.maxRows, model.maxLogitRows)
        ids = try model.backend.makeBuffer(byteCount: 4 * rows * TopKOp.maxK, label: "batchgen.ids")
        values = try model.backend.makeBuffer(byteCount: 4 * rows * TopKOp.maxK, label: "batchgen.values")
    }

    /// Generates every request, in order; result i belongs to request i. Each result's `prefillSeconds` and
    /// `decodeSeconds` are those of its whole wave. `onToken(i, token)` sees request i's tokens as they come and
    /// returns false to stop that sequence (stop reason "stop").
    ///
    /// Throws `ModelError.input` for bad settings or a prompt that is empty or does not fit a slot, before any work.
    public func generate(_ requests: [GenerationRequest], steering: WaveSteering? = nil,
                         onToken: (Int, Int32) throws -> Bool = { _, _ in true }) throws -> [GenerationResult] {
        let ctx = model.cache.shape.ctx
        for (i, request) in requests.enumerated() {
            do { try request.sampling.validate() } catch let ModelError.input(message) {
                throw ModelError.input("request \(i): \(message)")
            }
            guard !request.prompt.isEmpty else { throw ModelError.input("request \(i): the prompt is empty: nothing to condition on") }
            guard request.prompt.count <= ctx else {
                throw ModelError.input("request \(i): the prompt has \(request.prompt.count) tokens but a context slot holds \(ctx) (\(model.contextAdvice))")
            }
            guard request.maxTokens >= 0 else { throw ModelError.input("request \(i): maxTokens \(request.maxTokens) is negative") }
        }
        var results: [GenerationResult] = []
        var start = 0
        while start < requests.count {
            let indices = Array(start..<min(requests.count, start + waveSize))
            start += indices.count
            let forward = try steering?(indices)
            results += try runWave(indices.map { requests[$0] }, steering: forward) { k, token in try onToken(indices[k], token) }
        }
        return results
    }

    /// One sequence of a wave while it runs.
    private struct Active {
        var slot: Int
        var sampler: Sampler
        var history: [Int32]
        var next: Int32
    }

    /// Runs one wave, request k in slot k.
    private func runWave(_ requests: [GenerationRequest], steering: ForwardSteering<B.Buffer>?,
                         onToken: (Int, Int32) throws -> Bool) throws -> [GenerationResult] {
        var results = requests.map {
            GenerationResult(promptTokens: $0.prompt, tokens: [], stopReason: "max_tokens", prefillSeconds: 0, decodeSeconds: 0)
        }
        // Phase 1: every prompt but its last token, no logits (an intermediate prefill block in `Generator` terms).
        let prefillStart = Date()
        var rows: [(token: Int32, slot: Int32, position: Int32)] = []
        for (slot, request) in requests.enumerated() {
            rows += request.prompt.dropLast().enumerated().map { ($1, Int32(slot), Int32($0)) }
        }
        var done = 0
        while done < rows.count {
            let pass = rows[done..<min(rows.count, done + model.maxRows)]
            done += pass.count
            try model.forward(ForwardBatch(tokens: pass.map(\.token), slots: pass.map(\.slot), positions: pass.map(\.position),
                                           logitRows: []), steering: steering)
        }

        // Phase 2: decode steps. The first feeds each prompt's last token; its wall time counts as prefill.
        var active = requests.enumerated().map { slot, request in
            Active(slot: slot, sampler: Sampler(request.sampling), history: request.prompt, next: request.prompt.last!)
        }
        var decodeStart: Date?
        while !active.isEmpty {
            let step = try makeStep(active, requests: requests, steering: steering)
            let rewrite = steering?.rewritesNewestUnsteered == true
                ? try DecodeStep(model: model, slots: step.slots, steering: nil, computesLogits: false) : nil
            var membershipChanged = false
            while !membershipChanged {
                let tokens = active.map(\.next)
                let positions = active.map { Int32($0.history.count - 1) }
                try step.run(tokens: tokens, positions: positions)
                try rewrite?.run(tokens: tokens, positions: positions)
                let pass = ForwardBatch(tokens: tokens, slots: step.slots, positions: positions, logitRows: Array(tokens.indices))
                var samplers = active.map(\.sampler)
                let picks = try model.pickTokens(selection: step.selection!, samplers: &samplers,
                                                 histories: active.map(\.history), pass: pass, steering: steering).picks
                for row in active.indices { active[row].sampler = samplers[row] }
                if decodeStart == nil { decodeStart = Date() }
                var stillActive: [Active] = []
                for (row, pick) in picks.enumerated() {
                    var sequence = active[row]
                    let slot = sequence.slot
                    switch pick {
                    case .degenerate(var failure):
                        failure.tokensBefore = results[slot].tokens
                        results[slot].stopReason = "degenerate"
                        results[slot].degenerate = failure
                    case .token(let token):
                        if let reason = try append(token, to: &results[slot], request: requests[slot],
                                                   onToken: { try onToken(slot, $0) }) {
                            results[slot].stopReason = reason
                        } else {
                            sequence.history.append(token)
                            sequence.next = token
                            stillActive.append(sequence)
                        }
                    }
                }
                membershipChanged = stillActive.count != active.count
                active = stillActive
            }
        }
        let end = Date()
        for i in results.indices {
            results[i].prefillSeconds = (decodeStart ?? end).timeIntervalSince(prefillStart)
            results[i].decodeSeconds = end.timeIntervalSince(decodeStart ?? end)
        }
        return results
    }

    /// Appends a picked token to a sequence's result as `Generator`'s loop does, and returns why the sequence ends
    /// now, or nil when it goes on: "eog" (a stop token, kept), "stop" (the caller), "max_tokens", "context_full".
    private func append(_ token: Int32, to result: inout GenerationResult, request: GenerationRequest,
                        onToken: (Int32) throws -> Bool) throws -> String? {
        guard result.tokens.count < request.maxTokens else { return "max_tokens" }
        result.tokens.append(token)
        if !request.ignoreEOS, request.stopTokens.contains(token) { return "eog" }
        if try !onToken(token) { return "stop" }
        if result.tokens.count == request.maxTokens { return "max_tokens" }
        // The token would be fed at the position after the last one in the cache.
        guard request.prompt.count + result.tokens.count - 1 < model.cache.shape.ctx else { return "context_full" }
        return nil
    }

    /// The decode step of the active sequences, with the token selection their samplers need.
    private func makeStep(_ active: [Active], requests: [GenerationRequest],
                          steering: ForwardSteering<B.Buffer>?) throws -> DecodeStep<B> {
        let selection = DecodeSelection.choose(for: active.map { requests[$0.slot].sampling }, ids: ids, values: values,
                                               vocab: model.config.vocab)
        return try DecodeStep(model: model, slots: active.map { Int32($0.slot) }, steering: steering, selection: selection)
    }
}
