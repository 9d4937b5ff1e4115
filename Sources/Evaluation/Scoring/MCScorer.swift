import Kernels
import Llama
import Steering

/// Scores continuations on a model: the log-probability of every continuation token, computed on the device
/// (`token_logprobs`), so only one float per token crosses to the host.
///
/// Each request's prompt runs once (all but its last token, without logits) in one KV-cache slot; its keys and
/// values are copied into the slots of its other continuations (`kvCopy`); then every continuation of a wave runs
/// in its own slot from position P-1 (the last prompt token, whose logits give the first continuation token), all in
/// one batch with logits on every row. Attention reads a slot only up to each row's position, so what a slot held
/// beyond from an earlier wave is never read. Rows do not depend on what else is in their batch (ComputeBackend), so
/// the scores are bit-identical to scoring each continuation alone from scratch (`scoreEachAlone`).
public final class MCScorer<B: ComputeBackend> {
    /// The model, whose KV cache has the slots and positions scoring uses.
    public let model: LlamaModel<B>
    private let targets: B.Buffer    // int32 [rowsPerPass]: the token each logits row is scored for
    private let logprobs: B.Buffer   // f32 [rowsPerPass]: token_logprobs' output
    /// Rows of one pass with logits: the model's row capacity and logits capacity.
    private var rowsPerPass: Int { min(model.maxRows, model.maxLogitRows) }

    public init(model: LlamaModel<B>) throws {
        self.model = model
        let rows = min(model.maxRows, model.maxLogitRows)
        targets = try model.backend.makeBuffer(byteCount: 4 * rows, label: "mc.targets")
        logprobs = try model.backend.makeBuffer(byteCount: 4 * rows, label: "mc.logprobs")
    }

    /// One row of a pass: a token of a slot's sequence at a position, scored for `target` when it has one.
    private struct Row {
        var token: Int32, slot: Int, position: Int
        var target: Int32?
        /// Which continuation and token the target is: (request, continuation, token index).
        var owner: (request: Int, continuation: Int, token: Int)?
    }

    /// [request][continuation] the scores of every continuation, with waves of up to `slots` continuations (default:
    /// every slot of the cache). `progress` is told the number of requests finished after each wave.
    public func score(_ requests: [ScoringRequest], steering: ScoringSteering? = nil, slots: Int? = nil,
                      progress: ((Int) -> Void)? = nil) throws -> [[ContinuationScore]] {
        try validate(requests)
        let slotCount = min(slots ?? model.cache.shape.slots, model.cache.shape.slots)
        var results = requests.map { $0.continuations.map { ContinuationScore(logprobs: [Float](repeating: 0, count: $0.count), degenerate: false) } }
        let plan = SlotPlan(continuationCounts: requests.map(\.continuations.count), slots: slotCount)
        for wave in plan.waves {
            let forward = try waveSteering(wave, requests: requests, steering: steering)
            // 1. Prompts without their last token, no logits.
            var prefill: [Row] = []
            for placement in wave where placement.prefills {
                let prompt = requests[placement.request].prompt
                prefill += (0..<prompt.count - 1).map { Row(token: prompt[$0], slot: placement.baseSlot, position: $0) }
            }
            _ = try run(prefill, steering: forward?.forward)
            // 2. The prompt's keys and values into the request's other slots.
            for placement in wave where placement.continuations.count > 1 {
                try copyPrefix(positions: requests[placement.request].prompt.count - 1, from: placement.baseSlot,
                               to: placement.baseSlot + 1, count: placement.continuations.count - 1)
            }
            // 3. Every continuation from the last prompt token, logits on every row.
            var options: [Row] = []
            for placement in wave {
                let request = requests[placement.request]
                let p = request.prompt.count
                for (offset, c) in placement.continuations.enumerated() {
                    let continuation = request.continuations[c]
                    let fed = [request.prompt[p - 1]] + continuation.dropLast()
                    options += fed.enumerated().map { i, token in
                        Row(token: token, slot: placement.baseSlot + offset, position: p - 1 + i, target: continuation[i],
                            owner: (placement.request, c, i))
                    }
                }
            }
            for (row, value, degenerate) in try run(options, steering: forward?.forward) {
                let o = row.owner!
                results[o.request][o.continuation].logprobs[o.token] = value
                if degenerate { results[o.request][o.continuation].degenerate = true }
            }
            // Requests finish in order: all before the wave's last one, and that one when its last continuation ran.
            let last = wave[wave.count - 1]
            progress?(last.request + (last.continuations.upperBound == requests[last.request].continuations.count ? 1 : 0))
        }
        return results
    }

    /// The same scores the plain way, for checking `score`: each continuation alone in slot 0, its whole sequence
    /// (prompt and continuation but the last token) run from position 0.
    public func scoreEachAlone(_ requests: [ScoringRequest], steering: ScoringSteering? = nil) throws -> [[ContinuationScore]] {
        try validate(requests)
        return try requests.enumerated().map { r, request in
            let forward = try steering.flatMap { s in
                try s.sequence(request).map { try BatchSteering(model: model, sequences: [$0], cacheMode: s.cacheMode) }
            }
            return try request.continuations.enumerated().map { c, continuation in
                let p = request.prompt.count
                let fed = request.prompt + continuation.dropLast()
                let rows = fed.enumerated().map { i, token in
                    i < p - 1 ? Row(token: token, slot: 0, position: i)
                              : Row(token: token, slot: 0, position: i, target: continuation[i - p + 1], owner: (r, c, i - p + 1))
                }
                var score = ContinuationScore(logprobs: [Float](repeating: 0, count: continuation.count), degenerate: false)
                for (row, value, degenerate) in try run(rows, steering: forward?.forward) {
                    score.logprobs[row.owner!.token] = value
                    score.degenerate = score.degenerate || degenerate
                }
                return score
            }
        }
    }

    /// Checks every request fits the cache before any work, naming the first that does not.
    private func validate(_ requests: [ScoringRequest]) throws {
        let ctx = model.cache.shape.ctx
        for (r, request) in requests.enumerated() {
            guard !request.prompt.isEmpty else { throw ScoringError("request \(r): the prompt has no tokens") }
            if let c = request.continuations.firstIndex(where: \.isEmpty) {
                throw ScoringError("request \(r): continuation \(c) has no tokens")
            }
            // The last continuation token is scored but never fed, so P + n - 1 positions.
            guard request.longestSequence - 1 <= ctx else {
                throw ScoringError("request \(r): prompt and continuation need \(request.longestSequence - 1) positions but each KV-cache slot holds \(ctx)")
            }
        }
    }

    /// The device tables for a wave: each placement's request steered in its slots (nil when nothing is steered).
    private func waveSteering(_ wave: [SlotPlan.Placement], requests: [ScoringRequest],
                              steering: ScoringSteering?) throws -> BatchSteering<B>? {
        guard let steering else { return nil }
        var sequences = [SequenceSteering?](repeating: nil, count: model.cache.shape.slots)
        for placement in wave {
            let sequence = try steering.sequence(requests[placement.request])
            for offset in 0..<placement.continuations.count { sequences[placement.baseSlot + offset] = sequence }
        }
        guard sequences.contains(where: { $0 != nil }) else { return nil }
        return try BatchSteering(model: model, sequences: sequences, cacheMode: steering.cacheMode)
    }

    /// Runs `rows` in passes of at most `rowsPerPass` rows; returns each scored row with its log-prob and whether its
    /// logits were degenerate.
    private func run(_ rows: [Row], steering: ForwardSteering<B.Buffer>?) throws -> [(Row, Float, Bool)] {
        var scored: [(Row, Float, Bool)] = []
        var start = 0
        while start < rows.count {
            let pass = Array(rows[start..<min(rows.count, start + rowsPerPass)])
            start += pass.count
            let logitRows = pass.indices.filter { pass[$0].target != nil }
            let batch = ForwardBatch(tokens: pass.map(\.token), slots: pass.map { Int32($0.slot) },
                                     positions: pass.map { Int32($0.position) }, logitRows: logitRows)
            let logits = try model.forward(batch, steering: steering)
            guard !logitRows.isEmpty else { continue }
            let wanted = logitRows.map { pass[$0].target! }
            try wanted.withUnsafeBytes { try model.backend.write($0, to: targets, at: 0) }
            try model.backend.tokenLogprobs(TokenLogprobsOp(rows: wanted.count, width: model.config.vocab),
                                            logits: logits, targets: targets, out: logprobs)
            let values: [Float] = try model.backend.read(logprobs, count: wanted.count)
            let health = try model.readLogitHealth(rows: wanted.count)
            for (i, row) in logitRows.enumerated() { scored.append((pass[row], values[i], health[i].isDegenerate)) }
        }
        return scored
    }

    /// Copies positions 0..<positions of slot `source` into slots target..<target+count, every layer.
    private func copyPrefix(positions: Int, from source: Int, to target: Int, count: Int) throws {
        guard positions > 0, count > 0 else { return }
        let shape = model.cache.shape
        let op = KVCopyOp(cache: shape, positions: positions, sourceSlot: source, firstTarget: target, targetCount: count)
        for layer in 0..<model.config.layers {
            try model.backend.kvCopy(op, kCache: model.cache.keys[layer], vCache: model.cache.values[layer])
        }
    }
}
