import KernelABI
import Kernels

/// Steering applied during forward passes: per layer, tables for the fused residual update after attention and
/// after the FFN (nil: a plain add), and for the heads edit before the attention output projection.
public struct ForwardSteering<Buffer> {
    /// By block: tables for the residual update after attention.
    public var attentionResidual: [Int: SteerTables<Buffer>] = [:]
    /// By block: tables for the residual update after the FFN (the block's output, where llama.cpp adds control vectors).
    public var ffnResidual: [Int: SteerTables<Buffer>] = [:]
    /// By block: tables for the per-head edit before the attention output projection.
    public var heads: [Int: SteerTables<Buffer>] = [:]
    /// By block: where the residual update after the FFN writes its trace, f32 [maxRows, VEER_TRACE_WIDTH] =
    /// [t, normBefore, normAfter, cosine] per row of the pass. Only blocks with `ffnResidual` tables, and only when
    /// a trace was asked for: without one the kernel writes nothing extra. The buffers are fixed, so a recorded
    /// decode step writes into the same ones at every replay.
    public var ffnTrace: [Int: Buffer] = [:]
    /// Called with each batch before its pass runs (also before every replay of a decode step): writes which rows
    /// of this pass are steered, for steering whose rows depend on positions.
    public var prepare: ((ForwardBatch) throws -> Void)?
    /// Called with each batch after its pass is issued (also after every replay of a decode step), e.g. to read
    /// `ffnTrace`. On Vulkan a read waits for the pass, so only tracing sets it.
    public var afterPass: ((ForwardBatch) throws -> Void)?
    /// The KV cache must hold the newest rows' keys and values unsteered although their logits were steered (the
    /// spec's reference-recompute mode with position policy `last`): the generator runs those rows again without
    /// steering and without logits, which rewrites exactly their cache entries.
    public var rewritesNewestUnsteered = false
    /// What steers, in words (e.g. "happy.gguf at strength 4"), for errors that must name it.
    public var summary: String?

    /// No steering.
    public init() {}
}

extension LlamaModel {
    /// Runs the batch through every block and returns the logits buffer, f32 [batch.logitRows.count, vocab], in
    /// the order of `logitRows`. The buffer is reused by the next call; read it (or argmax/topk it) first.
    @discardableResult
    public func forward(_ batch: ForwardBatch, steering: ForwardSteering<B.Buffer>? = nil,
                        observer: ActivationObserver? = nil) throws -> B.Buffer {
        try stage(batch)
        try steering?.prepare?(batch)
        try encode(rows: batch.rows, logitRows: batch.logitRows, steering: steering, observer: observer)
        try steering?.afterPass?(batch)
        return state.logits
    }

    /// Checks a batch and writes its tokens, slots and positions into the run state, where the next encoded (or
    /// replayed) pass reads them.
    func stage(_ batch: ForwardBatch) throws {
        try validate(batch)
        let s = state
        try batch.tokens.withUnsafeBytes { try backend.write($0, to: s.tokens, at: 0) }
        if s.stagedSlots != batch.slots {
            try batch.slots.withUnsafeBytes { try backend.write($0, to: s.slots, at: 0) }
            s.stagedSlots = batch.slots
        }
        try batch.positions.withUnsafeBytes { try backend.write($0, to: s.positions, at: 0) }
    }

    /// Issues the ops of one forward pass over the staged rows. Nothing here depends on the token, slot or position
    /// values (the kernels read them from the run state), so a decode step can be recorded once and replayed.
    func encode(rows: Int, logitRows: [Int], steering: ForwardSteering<B.Buffer>?, observer: ActivationObserver?) throws {
        let c = config, s = state
        let placement = RowPlacement(slots: s.slots, positions: s.positions)
        func report(_ site: HookSite, _ layer: Int, _ buffer: B.Buffer, width: Int) throws {
            if let observer, observer.wants(site, layer: layer) {
                try observer.observe(site, layer: layer, buffer: buffer, rows: rows, width: width, backend: backend)
            }
        }
        func matmul(_ x: B.Buffer, _ w: B.Buffer, _ type: DType, k: Int, n: Int, into y: B.Buffer) throws {
            try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: x, weights: w, y: y)
        }

        try backend.embed(EmbedOp(rows: rows, width: c.width, vocab: c.vocab, tableType: weights.embeddingType,
                                  scale: c.embeddingScale),
                          ids: s.tokens, table: weights.tokenEmbedding, out: s.x)
        for (l, w) in weights.blocks.enumerated() {
            // Attention: x -> RMSNorm -> Q, K, V -> RoPE and cache write -> causal GQA -> output projection.
            // The norm runs inside the QKV projection unless an observer reads its output.
            let observesNorm = observer?.wants(.attnNorm, layer: l) ?? false
            let p = try projectQKV(w.qkv, norm: w.attnNorm, rows: rows, keepNormed: observesNorm)
            try report(.attnNorm, l, s.normed, width: c.width)
            try finishProjections(p, extras: w.extras, rows: rows)
            // RoPE on the queries, and the rotated keys with the values into the cache: one op.
            let rope = c.rope(layer: l)
            try backend.ropeStore(RopeStoreOp(rows: rows, nHeads: c.heads, cache: cache.shape, nRot: c.ropeDims,
                                              qRowStride: p.qStride, qOffset: p.qOffset, kvRowStride: p.kvStride,
                                              kOffset: p.kOffset, vOffset: p.vOffset, freqBase: rope.base,
                                              freqScale: rope.scale, style: c.ropeStyle),
                                  q: p.q, k: p.kv, v: p.kvValues, kCache: cache.keys[l], vCache: cache.values[l],
                                  rows: placement, freqFactors: weights.ropeFreqs)
            try backend.attention(AttentionOp(rows: rows, nHeads: c.heads, cache: cache.shape, qRowStride: p.qStride,
                                              qOffset: p.qOffset, window: c.attentionWindow(layer: l)), q: p.q,
                                  kCache: cache.keys[l], vCache: cache.values[l], rows: placement, out: s.heads)
            if let tables = steering?.heads[l] {
                try backend.headsEdit(HeadsEditOp(rows: rows, width: c.qWidth), x: s.heads, tables: tables)
            }
            try report(.headsConcat, l, s.heads, width: c.qWidth)
            try matmul(s.heads, w.attnOutput, w.attnOutputType, k: c.qWidth, n: c.width, into: s.delta)
            try postNorm(w.extras.postAttentionNorm, rows: rows)
            try backend.residualSteer(ResidualSteerOp(rows: rows, width: c.width), x: s.x, delta: s.delta,
                                      tables: steering?.attentionResidual[l] ?? s.plain, trace: nil)
            try report(.residMid, l, s.x, width: c.width)

            // Feed-forward: x -> RMSNorm -> act(gate) * up -> down projection; the norm inside the first projection.
            switch w.gateUp {
            case let .fused(matrix, type):   // one mat-vec, rows [gate | up]
                try normedMatmul(w.ffnNorm, keepNormed: false, matrix, type, n: 2 * c.ffWidth, into: s.gateUp, rows: rows)
                try backend.swiglu(SwigluOp(rows: rows, width: c.ffWidth, stride: 2 * c.ffWidth, upOffset: c.ffWidth,
                                            activation: c.activation),
                                   gate: s.gateUp, up: s.gateUp, out: s.gate)
            case let .separate(gate, gateType, up, upType):
                try normedMatmul(w.ffnNorm, keepNormed: true, gate, gateType, n: c.ffWidth, into: s.gate, rows: rows)
                try matmul(s.normed, up, upType, k: c.width, n: c.ffWidth, into: s.up)
                try backend.swiglu(SwigluOp(count: rows * c.ffWidth, activation: c.activation), gate: s.gate, up: s.up,
                                   out: s.gate)
            }
            try report(.mlpMid, l, s.gate, width: c.ffWidth)
            try matmul(s.gate, w.down, w.downType, k: c.ffWidth, n: c.width, into: s.delta)
            try postNorm(w.extras.postFFNNorm, rows: rows)
            try report(.mlpOut, l, s.delta, width: c.width)
            try backend.residualSteer(ResidualSteerOp(rows: rows, width: c.width), x: s.x, delta: s.delta,
                                      tables: steering?.ffnResidual[l] ?? s.plain, trace: steering?.ffnTrace[l])
            try report(.residPost, l, s.x, width: c.width)
        }
        // Output head only on the rows whose logits are wanted, contiguous runs in one matmul each. A row's logits
        // do not depend on how rows are grouped (the matmul reduction order depends on k only). When every row
        // wants logits (a decode step) and no observer reads the final norm, the norm runs inside the output head.
        if logitRows.elementsEqual(0..<rows), !(observer?.wants(.resultNorm, layer: -1) ?? false) {
            try normedMatmul(weights.outputNorm, keepNormed: false, weights.output, weights.outputType, n: c.vocab,
                             into: s.logits, rows: rows)
            try issueLogitHealth(rows: rows)
            return
        }
        try backend.rmsnorm(RMSNormOp(rows: rows, width: c.width, eps: c.rmsEps), x: s.x, weight: weights.outputNorm, out: s.normed)
        try report(.resultNorm, -1, s.normed, width: c.width)
        var i = 0
        while i < logitRows.count {
            var j = i + 1
            while j < logitRows.count, logitRows[j] == logitRows[j - 1] + 1 { j += 1 }
            try backend.matmul(MatmulOp(rows: j - i, k: c.width, n: c.vocab, weightType: weights.outputType,
                                        xOffset: logitRows[i] * c.width, yOffset: i * c.vocab),
                               x: s.normed, weights: weights.output, y: s.logits)
            i = j
        }
        try issueLogitHealth(rows: logitRows.count)
    }

    /// The logits' health rides in the same submission (and in a recorded decode step) for every pass that has
    /// logits, so a degenerate pass is caught without checks inside the blocks (`checkLogits`).
    private func issueLogitHealth(rows: Int) throws {
        if rows > 0 {
            try backend.rowHealth(RowHealthOp(rows: rows, width: config.vocab), x: state.logits, out: state.logitHealth)
        }
    }

    /// y = RMSNorm(x; norm) · Wᵀ over the staged rows: the norm fused into the projection (`normMatmul`), or, with
    /// `keepNormed`, as its own op whose output stays in `normed` (for an observer, or for more projections of it).
    /// Both give the same bits.
    func normedMatmul(_ norm: B.Buffer, keepNormed: Bool, _ w: B.Buffer, _ type: DType, n: Int, into y: B.Buffer,
                      rows: Int) throws {
        let c = config, s = state
        if keepNormed {
            try backend.rmsnorm(RMSNormOp(rows: rows, width: c.width, eps: c.rmsEps), x: s.x, weight: norm, out: s.normed)
            try backend.matmul(MatmulOp(rows: rows, k: c.width, n: n, weightType: type), x: s.normed, weights: w, y: y)
        } else {
            try backend.normMatmul(NormMatmulOp(rows: rows, k: c.width, n: n, weightType: type, eps: c.rmsEps), x: s.x,
                                   normWeight: norm, normed: s.normed, weights: w, y: y)
        }
    }

    /// Where a block's queries, keys and values are after its projections: buffers, row strides and offsets (floats).
    struct ProjectedQKV {
        var q: B.Buffer, qStride: Int, qOffset: Int
        /// Keys in `kv`, values in `kvValues` (the same buffer when fused), both with row stride `kvStride`.
        var kv: B.Buffer, kvValues: B.Buffer, kvStride: Int, kOffset: Int, vOffset: Int
    }

    /// Runs a block's attention norm and its Q, K and V projections: one mat-vec into `qkv` (rows of q | k | v) when
    /// the weights are stacked, else three (the norm then kept in `normed` for the other two). `keepNormed`: the
    /// normed rows must be in `normed` afterwards.
    func projectQKV(_ weights: QKVWeights<B.Buffer>, norm: B.Buffer, rows: Int, keepNormed: Bool) throws -> ProjectedQKV {
        let c = config, s = state
        switch weights {
        case let .fused(matrix, type):
            let width = c.qWidth + 2 * c.kvWidth
            try normedMatmul(norm, keepNormed: keepNormed, matrix, type, n: width, into: s.qkv, rows: rows)
            return ProjectedQKV(q: s.qkv, qStride: width, qOffset: 0, kv: s.qkv, kvValues: s.qkv, kvStride: width,
                                kOffset: c.qWidth, vOffset: c.qWidth + c.kvWidth)
        case let .separate(q, qType, k, kType, v, vType):
            try normedMatmul(norm, keepNormed: true, q, qType, n: c.qWidth, into: s.q, rows: rows)
            try backend.matmul(MatmulOp(rows: rows, k: c.width, n: c.kvWidth, weightType: kType), x: s.normed, weights: k, y: s.k)
            try backend.matmul(MatmulOp(rows: rows, k: c.width, n: c.kvWidth, weightType: vType), x: s.normed, weights: v, y: s.v)
            return ProjectedQKV(q: s.q, qStride: c.qWidth, qOffset: 0, kv: s.k, kvValues: s.v, kvStride: c.kvWidth,
                                kOffset: 0, vOffset: 0)
        }
    }

    /// What some architectures do to the projections before RoPE: add Q/K/V biases (Qwen2), then RMS-normalise each
    /// query and key head (Gemma 3, whose projections are never fused, so q and k are contiguous rows of heads).
    func finishProjections(_ p: ProjectedQKV, extras: LlamaBlockExtras<B.Buffer>, rows: Int) throws {
        let c = config
        switch extras.qkvBias {
        case let .fused(bias)?:
            // The projection's rows are q | k | v back to back: one add over each whole row.
            try backend.biasAdd(BiasAddOp(rows: rows, width: p.qStride), x: p.q, bias: bias)
        case let .separate(q, k, v)?:
            try backend.biasAdd(BiasAddOp(rows: rows, width: c.qWidth, rowStride: p.qStride, offset: p.qOffset), x: p.q, bias: q)
            try backend.biasAdd(BiasAddOp(rows: rows, width: c.kvWidth, rowStride: p.kvStride, offset: p.kOffset), x: p.kv, bias: k)
            try backend.biasAdd(BiasAddOp(rows: rows, width: c.kvWidth, rowStride: p.kvStride, offset: p.vOffset),
                                x: p.kvValues, bias: v)
        case nil:
            break
        }
        if let norm = extras.qkNorm {
            guard p.qStride == c.qWidth, p.kvStride == c.kvWidth, p.qOffset == 0, p.kOffset == 0 else {
                throw ModelError.input("per-head Q/K norms need unfused projections")   // LlamaWeights never fuses them
            }
            try backend.rmsnorm(RMSNormOp(rows: rows * c.heads, width: c.headDim, eps: c.rmsEps), x: p.q, weight: norm.q, out: p.q)
            try backend.rmsnorm(RMSNormOp(rows: rows * c.kvHeads, width: c.headDim, eps: c.rmsEps), x: p.kv, weight: norm.k,
                                out: p.kv)
        }
    }

    /// RMS-normalises the block's contribution in `delta` before its residual add, where the architecture has a post
    /// norm (Gemma 3); nothing otherwise.
    func postNorm(_ weight: B.Buffer?, rows: Int) throws {
        guard let weight else { return }
        let s = state
        try backend.rmsnorm(RMSNormOp(rows: rows, width: config.width, eps: config.rmsEps), x: s.delta, weight: weight, out: s.delta)
    }

    /// Reads the logits of the last forward pass: [rows][vocab].
    public func readLogits(rows: Int) throws -> [[Float]] {
        let flat: [Float] = try backend.read(state.logits, count: rows * config.vocab)
        return (0..<rows).map { Array(flat[$0 * config.vocab ..< ($0 + 1) * config.vocab]) }
    }
}
