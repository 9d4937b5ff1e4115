import KernelABI
import KernelCases
import Kernels
import TestSupport
import Testing

/// Batch invariance on one backend: a row's output must be bit-identical whether it runs alone or inside a larger
/// batch of other rows (fixed reduction order per output element, no dependence on the batch). Generic, so the CPU and
/// Vulkan suites run the same checks.
enum BatchInvariance {
    /// Rows 0, a middle one and the last of a 13-row matmul, each alone (own buffer, and via xOffset into the batch
    /// input), and as a 2-row sub-batch, against the batch's rows.
    static func matmul<B: ComputeBackend>(_ backend: B, dtype: DType) throws {
        let rows = 13, k = dtype.isQuantized ? dtype.wholeBlocks(atLeast: 96) : 70, n = 37
        var random = SplitMix64(seed: "batch.matmul.\(dtype)")
        let weights = try backend.makeBuffer(random.weights(dtype, rows: n, k: k), label: "weights")   // [n, k]
        let x = random.floats(rows * k)                                                             // [rows, k] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let batch = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y.batch")              // [rows, n] f32
        try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: dtype), x: xBuffer, weights: weights, y: batch)
        let batchY: [Float] = try backend.read(batch, count: rows * n)

        for r in [0, 6, rows - 1] {
            let expected = Array(batchY[r * n ..< (r + 1) * n])
            let alone = try backend.makeBuffer(Array(x[r * k ..< (r + 1) * k]), label: "x.alone")
            let y = try backend.makeBuffer(byteCount: 4 * n, label: "y.alone")
            try backend.matmul(MatmulOp(rows: 1, k: k, n: n, weightType: dtype), x: alone, weights: weights, y: y)
            expectBitIdentical(try backend.read(y, count: n), expected, "\(dtype) row \(r) alone")

            let viaOffset = try backend.makeBuffer(byteCount: 4 * n, label: "y.offset")
            try backend.matmul(MatmulOp(rows: 1, k: k, n: n, weightType: dtype, xOffset: r * k), x: xBuffer,
                               weights: weights, y: viaOffset)
            expectBitIdentical(try backend.read(viaOffset, count: n), expected, "\(dtype) row \(r) via xOffset")
        }
        let pair = try backend.makeBuffer(byteCount: 4 * 2 * n, label: "y.pair")
        try backend.matmul(MatmulOp(rows: 2, k: k, n: n, weightType: dtype, xOffset: 5 * k), x: xBuffer,
                           weights: weights, y: pair)
        expectBitIdentical(try backend.read(pair, count: 2 * n), Array(batchY[5 * n ..< 7 * n]), "\(dtype) rows 5-6 as a pair")
    }

    /// Decode rows of three sequences, and a prefill block of two interleaved sequences, against each row alone.
    static func attention<B: ComputeBackend>(_ backend: B) throws {
        let cache = KVCacheShape(slots: 3, ctx: 24, nKVHeads: 2, headDim: 16)
        let nHeads = 6, width = nHeads * cache.headDim
        var random = SplitMix64(seed: "batch.attention")
        let kCache = try backend.makeBuffer(random.floats(cache.bytes / 4), label: "kCache")   // [slots, ctx, kvWidth]
        let vCache = try backend.makeBuffer(random.floats(cache.bytes / 4), label: "vCache")
        // Decode: one row per slot. Prefill-like: rows of slots 0 and 1 interleaved at several positions. Both also
        // with a sliding window shorter than most positions.
        let batches: [(name: String, slots: [Int32], positions: [Int32])] = [
            ("decode", [0, 1, 2], [4, 23, 0]),
            ("prefill", [0, 1, 0, 1, 0, 2], [10, 3, 11, 4, 12, 7]),
        ]
        for window in [0, 5] {
            for batch in batches {
                let rows = batch.slots.count
                let q = random.floats(rows * width)   // [rows, nHeads * headDim] f32
                let out = try runAttention(backend, cache: cache, nHeads: nHeads, window: window, q: q,
                                           slots: batch.slots, positions: batch.positions, kCache: kCache, vCache: vCache)
                for r in 0..<rows {
                    let alone = try runAttention(backend, cache: cache, nHeads: nHeads, window: window,
                                                 q: Array(q[r * width ..< (r + 1) * width]), slots: [batch.slots[r]],
                                                 positions: [batch.positions[r]], kCache: kCache, vCache: vCache)
                    expectBitIdentical(alone, Array(out[r * width ..< (r + 1) * width]),
                                       "\(batch.name) row \(r) alone, window \(window)")
                }
            }
        }
    }

    private static func runAttention<B: ComputeBackend>(
        _ backend: B, cache: KVCacheShape, nHeads: Int, window: Int, q: [Float], slots: [Int32], positions: [Int32],
        kCache: B.Buffer, vCache: B.Buffer
    ) throws -> [Float] {
        let op = AttentionOp(rows: slots.count, nHeads: nHeads, cache: cache, window: window)
        let out = try backend.makeBuffer(byteCount: 4 * slots.count * op.outWidth, label: "out")
        try backend.attention(op, q: try backend.makeBuffer(q, label: "q"), kCache: kCache, vCache: vCache,
                              rows: RowPlacement(slots: try backend.makeBuffer(slots, label: "slots"),
                                                 positions: try backend.makeBuffer(positions, label: "positions")),
                              out: out)
        return try backend.read(out, count: slots.count * op.outWidth)
    }

    /// rope_store on a 5-row QKV batch of three sequences against each row alone: the row's rotated queries and its
    /// cache entries bit-identical.
    static func ropeStore<B: ComputeBackend>(_ backend: B) throws {
        let cache = KVCacheShape(slots: 3, ctx: 30, nKVHeads: 2, headDim: 16)
        let nHeads = 4, qWidth = nHeads * cache.headDim, stride = qWidth + 2 * cache.kvWidth
        let slots: [Int32] = [1, 0, 2, 1, 0], positions: [Int32] = [3, 0, 29, 4, 17]
        var random = SplitMix64(seed: "batch.rope_store")
        let qkv = random.floats(slots.count * stride)   // [rows, q | k | v] f32
        func run(rows: Range<Int>) throws -> (q: [Float], kCache: [Float], vCache: [Float]) {
            let op = RopeStoreOp(rows: rows.count, nHeads: nHeads, cache: cache, nRot: 12, qRowStride: stride,
                                 kvRowStride: stride, kOffset: qWidth, vOffset: qWidth + cache.kvWidth, freqBase: 10000)
            let buffer = try backend.makeBuffer(Array(qkv[rows.lowerBound * stride ..< rows.upperBound * stride]),
                                                label: "qkv")
            let keys = try backend.makeBuffer(byteCount: cache.bytes, label: "kCache")
            let values = try backend.makeBuffer(byteCount: cache.bytes, label: "vCache")
            let placement = RowPlacement(slots: try backend.makeBuffer(Array(slots[rows]), label: "slots"),
                                         positions: try backend.makeBuffer(Array(positions[rows]), label: "positions"))
            try backend.ropeStore(op, q: buffer, k: buffer, v: buffer, kCache: keys, vCache: values, rows: placement)
            return (try backend.read(buffer, count: rows.count * stride), try backend.read(keys, count: cache.bytes / 4),
                    try backend.read(values, count: cache.bytes / 4))
        }
        let batch = try run(rows: 0 ..< slots.count)
        for r in 0..<slots.count {
            let alone = try run(rows: r ..< r + 1)
            expectBitIdentical(Array(alone.q[0 ..< qWidth]), Array(batch.q[r * stride ..< r * stride + qWidth]),
                               "row \(r) alone: queries")
            let first = (Int(slots[r]) * cache.ctx + Int(positions[r])) * cache.kvWidth
            let entry = first ..< first + cache.kvWidth
            expectBitIdentical(Array(alone.kCache[entry]), Array(batch.kCache[entry]), "row \(r) alone: cached keys")
            expectBitIdentical(Array(alone.vCache[entry]), Array(batch.vCache[entry]), "row \(r) alone: cached values")
        }
    }

    /// A 15-row batch mixing unsteered, additive + unit-scaling, add-then-Spherical and all-kinds sequences, against
    /// each row run alone with only its own sequence's parameters; x and the trace rows both compared.
    static func residualSteer<B: ComputeBackend>(_ backend: B) throws {
        let rows = 15, width = 96
        var random = SplitMix64(seed: "batch.residual_steer")
        let scenario = SteerScenario.make(.mixed, width: width, rows: rows, random: &random)
        let (x, trace) = try runSteer(backend, plan: scenario.plan, x: scenario.x, delta: scenario.delta)
        let traceWidth = Int(VEER_TRACE_WIDTH)
        for r in 0..<rows {
            var single = scenario.plan
            single.rowSeq = [0]
            single.rowFlags = [scenario.plan.rowFlags[r]]
            single.seqParams = [scenario.plan.seqParams[Int(scenario.plan.rowSeq[r])]]
            let (xAlone, traceAlone) = try runSteer(
                backend, plan: single, x: Array(scenario.x[r * width ..< (r + 1) * width]),
                delta: Array(scenario.delta[r * width ..< (r + 1) * width]))
            expectBitIdentical(xAlone, Array(x[r * width ..< (r + 1) * width]), "row \(r) alone: x")
            expectBitIdentical(traceAlone, Array(trace[r * traceWidth ..< (r + 1) * traceWidth]), "row \(r) alone: trace")
        }
    }

    private static func runSteer<B: ComputeBackend>(_ backend: B, plan: SteerPlan, x: [Float], delta: [Float]) throws
        -> (x: [Float], trace: [Float])
    {
        let op = ResidualSteerOp(rows: plan.rows, width: plan.width)
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let trace = try backend.makeBuffer(byteCount: 4 * plan.rows * Int(VEER_TRACE_WIDTH), label: "trace")
        try backend.residualSteer(op, x: xBuffer, delta: try backend.makeBuffer(delta, label: "delta"),
                                  tables: try backend.makeSteerTables(plan), trace: trace)
        return (try backend.read(xBuffer, count: x.count), try backend.read(trace, count: plan.rows * Int(VEER_TRACE_WIDTH)))
    }
}
