import Foundation
import Kernels
import Llama
import Steering

/// What one prompt gave at every strength of a grid: the next-token probabilities of the tracked tokens (those that
/// dominate at the grid's two ends) and a greedy continuation, per alpha.
public struct PromptSweepRun: Sendable {
    /// The strengths, ascending (the grid's values).
    public var alphas: [Double]
    /// The prompt as run (after truncation), BOS included when the model adds one.
    public var promptTokens: [Int32]
    /// The `k` most probable tokens at the largest alpha, most probable first (ties: lower id).
    public var topAtMax: [Int32]
    /// The `k` most probable tokens at the smallest alpha.
    public var topAtMin: [Int32]
    /// `topAtMax` ∪ `topAtMin`, in that order without repeats: the tokens whose curves are kept.
    public var tracked: [Int32]
    /// [alpha][tracked token] next-token probability after the prompt (NaN where the logits were not finite).
    public var probabilities: [[Double]]
    /// [alpha] whether the logits after the prompt were finite.
    public var logitsFinite: [Bool]
    /// [alpha] the greedy continuation, ended before its first end-of-generation token.
    public var continuations: [[Int32]]
    /// [alpha] whether every decode step of the continuation gave finite, non-constant logits.
    public var continuationFinite: [Bool]
    /// [alpha][block] the share of the prompt's positions whose Spherical gate opened (the kernel rotated the row)
    /// at each rotating block; nil when the steering rotates nowhere.
    public var gateOpenRate: [[Int: Double]]?
    /// [alpha][vocab] the logits after the prompt, only when asked for (`keepLogits`: tests).
    public var logits: [[Float]]?
}

/// Runs one prompt at every alpha of a grid: the prompt replicated over KV-cache slots, slot i steered at alpha_i,
/// in batched forward passes (more alphas than slots: several groups). Rows do not depend on what else is in their
/// batch, so each alpha's logits equal a run of that alpha alone, and the alpha 0 slot, which has no steering,
/// equals the unsteered model bit for bit.
public final class PromptSweeper<B: ComputeBackend> {
    public let model: LlamaModel<B>

    public init(model: LlamaModel<B>) { self.model = model }

    /// - Parameters:
    ///   - tracked: how many tokens to keep at each end of the grid (the spec's K, 100).
    ///   - continuationLength: greedy tokens generated after the prompt per alpha (0: none).
    ///   - stopTokens: end-of-generation tokens; a continuation ends before the first.
    ///   - slots: alphas per group (default: every slot of the model's cache).
    public func run(prompt: [Int32], grid: AlphaGrid, steering: SweepSteering, tracked k: Int, continuationLength: Int,
                    stopTokens: Set<Int32>, slots: Int? = nil, keepLogits: Bool = false) throws -> PromptSweepRun {
        let p = prompt.count
        let ctx = model.cache.shape.ctx
        guard p >= 1 else { throw SweepError("the prompt has no tokens") }
        guard p + max(continuationLength - 1, 0) <= ctx else {
            throw SweepError("the prompt (\(p) tokens) and its continuation (\(continuationLength)) need \(p + continuationLength - 1) positions; each KV-cache slot holds \(ctx)")
        }
        guard k >= 1 else { throw SweepError("the number of tracked tokens must be at least 1, got \(k)") }
        let groupSize = min(slots ?? model.cache.shape.slots, model.cache.shape.slots, model.maxLogitRows)
        guard groupSize >= 1 else { throw SweepError("a sweep needs at least one KV-cache slot") }
        let alphas = grid.values
        let n = alphas.count
        // The two ends first: once both are known the tracked tokens are, and every other row keeps only their
        // probabilities instead of its whole distribution.
        let order = n == 1 ? [0] : [0, n - 1] + Array(1..<(n - 1))

        var run = PromptSweepRun(alphas: alphas, promptTokens: prompt, topAtMax: [], topAtMin: [], tracked: [],
                                 probabilities: Array(repeating: [], count: n), logitsFinite: Array(repeating: true, count: n),
                                 continuations: Array(repeating: [], count: n), continuationFinite: Array(repeating: true, count: n),
                                 logits: keepLogits ? Array(repeating: [], count: n) : nil)
        var pending: [(index: Int, probabilities: [Double])] = []
        var start = 0
        while start < order.count {
            let group = Array(order[start..<min(order.count, start + groupSize)])
            start += group.count
            let span = SequenceSpan(promptLength: p)
            let sequences = try group.map { try steering.sequence(alpha: alphas[$0], span: span) }
            let batch = sequences.contains { $0 != nil }
                ? try BatchSteering(model: model, sequences: sequences, cacheMode: steering.cacheMode) : nil
            if batch?.forward.rewritesNewestUnsteered == true {
                throw SweepError("--cache-mode reference-recompute with --positions last re-runs every newest token unsteered; a sweep does not support it")
            }
            // A rotation's gate decides per position whether it turns the row: the prompt pass records it (a trace
            // makes each pass wait, so only the prompt's passes carry one).
            let rotates = sequences.contains { $0?.edits.values.contains { $0.rotation != nil } == true }
            let trace = rotates ? SteeringTrace() : nil
            let traced = try trace.map { try BatchSteering(model: model, sequences: sequences, cacheMode: steering.cacheMode, trace: $0) }
            let logits = try prefill(prompt, slots: group.count, steering: (traced ?? batch)?.forward)
            if let trace {
                if run.gateOpenRate == nil { run.gateOpenRate = Array(repeating: [:], count: n) }
                for (slot, index) in group.enumerated() {
                    let rows = trace.rows.filter { $0.sequence == slot && $0.cos != nil }
                    for (block, at) in Dictionary(grouping: rows, by: \.block) {
                        run.gateOpenRate![index][block] = Double(at.filter(\.rotated).count) / Double(at.count)
                    }
                }
            }
            for (slot, index) in group.enumerated() {
                let row = logits[slot]
                if keepLogits { run.logits![index] = row }
                run.logitsFinite[index] = row.allSatisfy(\.isFinite)
                pending.append((index, Self.softmax(row)))
            }
            if run.tracked.isEmpty, let atMin = pending.first(where: { $0.index == 0 }),
               let atMax = pending.first(where: { $0.index == n - 1 }) {
                run.topAtMax = Self.top(k, of: atMax.probabilities)
                run.topAtMin = Self.top(k, of: atMin.probabilities)
                run.tracked = run.topAtMax + run.topAtMin.filter { !run.topAtMax.contains($0) }
            }
            if !run.tracked.isEmpty {
                for (index, probabilities) in pending { run.probabilities[index] = run.tracked.map { probabilities[Int($0)] } }
                pending = []
            }
            if continuationLength > 0 {
                let firsts = group.indices.map { Self.argmax(logits[$0]) }
                let (tokens, finite) = try greedyContinuation(from: firsts, promptLength: p, length: continuationLength, steering: batch?.forward)
                for (slot, index) in group.enumerated() {
                    let generated = tokens[slot]
                    run.continuations[index] = Array(generated.prefix { !stopTokens.contains($0) })
                    run.continuationFinite[index] = finite[slot] && run.logitsFinite[index]
                }
            }
        }
        return run
    }

    /// Runs the prompt in slots 0..<count (positions 0..<P each), in passes of at most `maxRows` rows, and returns
    /// each slot's logits at its last prompt token.
    private func prefill(_ prompt: [Int32], slots count: Int, steering: ForwardSteering<B.Buffer>?) throws -> [[Float]] {
        let p = prompt.count
        var rows: [(token: Int32, slot: Int32, position: Int32)] = []
        for slot in 0..<count { rows += prompt.enumerated().map { ($0.element, Int32(slot), Int32($0.offset)) } }
        var logits = [[Float]](repeating: [], count: count)
        var first = 0
        while first < rows.count {
            let pass = Array(rows[first..<min(rows.count, first + model.maxRows)])
            first += pass.count
            let lastRows = pass.indices.filter { Int(pass[$0].position) == p - 1 }
            let batch = ForwardBatch(tokens: pass.map(\.token), slots: pass.map(\.slot), positions: pass.map(\.position),
                                     logitRows: lastRows)
            try model.forward(batch, steering: steering)
            guard !lastRows.isEmpty else { continue }
            for (i, row) in try model.readLogits(rows: lastRows.count).enumerated() { logits[Int(pass[lastRows[i]].slot)] = row }
        }
        return logits
    }

    /// Greedy decoding in slots 0..<firsts.count from the prompt's end (continuing the caches the prompt pass just
    /// filled, which `BatchGenerator` would prefill again): `length` tokens per slot, the first given
    /// (the argmax after the prompt), one recorded decode step for the rest. Also whether each slot's logits stayed
    /// healthy.
    private func greedyContinuation(from firsts: [Int32], promptLength p: Int, length: Int,
                            steering: ForwardSteering<B.Buffer>?) throws -> ([[Int32]], [Bool]) {
        let count = firsts.count
        var tokens = firsts.map { [$0] }
        var finite = [Bool](repeating: true, count: count)
        guard length > 1 else { return (tokens, finite) }
        let ids = try model.backend.makeBuffer(byteCount: 4 * count, label: "sweep.argmax")
        let step = try DecodeStep(model: model, slots: (0..<count).map(Int32.init), steering: steering,
                                  selection: .argmax(ids: ids))
        var last = firsts
        for i in 1..<length {
            try step.run(tokens: last, positions: [Int32](repeating: Int32(p + i - 1), count: count))
            last = try model.backend.read(ids, as: Int32.self, count: count)
            for (slot, health) in try model.readLogitHealth(rows: count).enumerated() where health.nonFinite > 0 {
                finite[slot] = false
            }
            for slot in 0..<count { tokens[slot].append(last[slot]) }
        }
        return (tokens, finite)
    }

    /// Softmax in Double of f32 logits (NaN everywhere when a logit is not finite).
    static func softmax(_ logits: [Float]) -> [Double] {
        guard logits.allSatisfy(\.isFinite), let top = logits.max() else { return [Double](repeating: .nan, count: logits.count) }
        let exps = logits.map { exp(Double($0) - Double(top)) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// The `k` largest entries' indices, largest first, ties to the lower index; NaN rows give the first k ids.
    static func top(_ k: Int, of values: [Double]) -> [Int32] {
        let ranked = values.indices.sorted { a, b in
            let (x, y) = (values[a].isNaN ? -.infinity : values[a], values[b].isNaN ? -.infinity : values[b])
            return x != y ? x > y : a < b
        }
        return ranked.prefix(k).map(Int32.init)
    }

    /// The index of the largest logit, the lower on ties (what the argmax kernel picks).
    static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return Int32(best)
    }
}

/// A sweep that cannot run as asked: what is wrong, in words.
public struct SweepError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
