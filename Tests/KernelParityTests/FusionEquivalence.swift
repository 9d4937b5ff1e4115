import KernelCases
import Kernels
import TestSupport
import Testing

/// The fused ops against the ops they replace, on one backend, bit for bit: the forward pass switches between the
/// two (a decode step fuses, a prefill or an observed pass may not), so they must never disagree. Generic, so the
/// CPU and Vulkan suites run the same checks.
enum FusionEquivalence {
    /// rope_store against rope on q, rope on k and kv_store: q separate from k and v, and all three in one QKV
    /// buffer with nRot < headDim, also in the NEOX style with frequency factors. The fused op leaves k unrotated.
    static func ropeStore<B: ComputeBackend>(_ backend: B) throws {
        let cache = KVCacheShape(slots: 3, ctx: 40, nKVHeads: 2, headDim: 16)
        let nHeads = 6, qWidth = nHeads * cache.headDim, rows = 5
        let qkvStride = qWidth + 2 * cache.kvWidth
        let layouts: [(name: String, op: RopeStoreOp, factors: Bool)] = [
            ("separate", RopeStoreOp(rows: rows, nHeads: nHeads, cache: cache, freqBase: 10000), false),
            ("qkv", RopeStoreOp(rows: rows, nHeads: nHeads, cache: cache, nRot: 12, qRowStride: qkvStride,
                                kvRowStride: qkvStride, kOffset: qWidth, vOffset: qWidth + cache.kvWidth,
                                freqBase: 500_000, freqScale: 0.25), false),
            ("qkv_neox_scaled", RopeStoreOp(rows: rows, nHeads: nHeads, cache: cache, nRot: 12, qRowStride: qkvStride,
                                            kvRowStride: qkvStride, kOffset: qWidth, vOffset: qWidth + cache.kvWidth,
                                            freqBase: 1_000_000, style: .neox), true),
        ]
        for (name, op, hasFactors) in layouts {
            var random = SplitMix64(seed: "fusion.rope_store.\(name)")
            let shared = op.qRowStride == op.kvRowStride && op.kOffset > 0
            let q = random.floats(rows * op.qRowStride)
            let k = shared ? q : random.floats(rows * op.kvRowStride)
            let v = shared ? q : random.floats(rows * op.kvRowStride)
            let kCache = random.floats(cache.bytes / 4), vCache = random.floats(cache.bytes / 4)
            let slots: [Int32] = [0, 2, 1, 0, 2], positions: [Int32] = [0, 7, 39, 1, 33]
            let factors = hasFactors ? random.floats(op.nRot / 2, 1, 8) : nil

            func run(fused: Bool) throws -> (q: [Float], k: [Float], kCache: [Float], vCache: [Float]) {
                let qBuffer = try backend.makeBuffer(q, label: "q")
                let kBuffer = shared ? qBuffer : try backend.makeBuffer(k, label: "k")
                let vBuffer = shared ? qBuffer : try backend.makeBuffer(v, label: "v")
                let keys = try backend.makeBuffer(kCache, label: "kCache"), values = try backend.makeBuffer(vCache, label: "vCache")
                let placement = RowPlacement(slots: try backend.makeBuffer(slots, label: "slots"),
                                             positions: try backend.makeBuffer(positions, label: "positions"))
                let factorBuffer = try factors.map { try backend.makeBuffer($0, label: "freqFactors") }
                if fused {
                    try backend.ropeStore(op, q: qBuffer, k: kBuffer, v: vBuffer, kCache: keys, vCache: values, rows: placement,
                                          freqFactors: factorBuffer)
                } else {
                    try backend.rope(op.queryRope, x: qBuffer, positions: placement.positions, freqFactors: factorBuffer)
                    try backend.rope(op.keyRope, x: kBuffer, positions: placement.positions, freqFactors: factorBuffer)
                    try backend.kvStore(op.store, k: kBuffer, v: vBuffer, kCache: keys, vCache: values, rows: placement)
                }
                return (try backend.read(qBuffer, count: q.count), try backend.read(kBuffer, count: k.count),
                        try backend.read(keys, count: kCache.count), try backend.read(values, count: vCache.count))
            }
            let fused = try run(fused: true), unfused = try run(fused: false)
            expectBitIdentical(fused.kCache, unfused.kCache, "\(name): key cache")
            expectBitIdentical(fused.vCache, unfused.vCache, "\(name): value cache")
            for r in 0..<rows {
                let heads = r * op.qRowStride + op.qOffset ..< r * op.qRowStride + op.qOffset + nHeads * cache.headDim
                expectBitIdentical(Array(fused.q[heads]), Array(unfused.q[heads]), "\(name) row \(r): queries")
                let keys = r * op.kvRowStride + op.kOffset ..< r * op.kvRowStride + op.kOffset + cache.kvWidth
                expectBitIdentical(Array(fused.k[keys]), Array(k[keys]), "\(name) row \(r): k must stay unrotated")
            }
        }
    }

    /// norm_matmul against rmsnorm then matmul, for a batch of rows and for each row alone (the decode mat-vec,
    /// fused on Vulkan): every row bit-identical, so a decode step equals the same row inside a prefill.
    static func normMatmul<B: ComputeBackend>(_ backend: B, dtype: DType) throws {
        let rows = 5, k = dtype.isQuantized ? dtype.wholeBlocks(atLeast: 576) : 577, n = 37, eps: Float = 1e-5
        var random = SplitMix64(seed: "fusion.norm_matmul.\(dtype)")
        let weights = try backend.makeBuffer(random.weights(dtype, rows: n, k: k), label: "weights")   // [n, k]
        let x = random.floats(rows * k, -3, 3)                                                          // [rows, k]
        let normWeight = try backend.makeBuffer(random.floats(k, 0.5, 1.5), label: "normWeight")       // [k]
        let normed = try backend.makeBuffer(byteCount: 4 * rows * k, label: "normed")

        let xBuffer = try backend.makeBuffer(x, label: "x")
        let unfused = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y.unfused")
        try backend.rmsnorm(RMSNormOp(rows: rows, width: k, eps: eps), x: xBuffer, weight: normWeight, out: normed)
        try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: dtype), x: normed, weights: weights, y: unfused)
        let expected: [Float] = try backend.read(unfused, count: rows * n)

        let batch = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y.batch")
        try backend.normMatmul(NormMatmulOp(rows: rows, k: k, n: n, weightType: dtype, eps: eps), x: xBuffer,
                               normWeight: normWeight, normed: normed, weights: weights, y: batch)
        expectBitIdentical(try backend.read(batch, count: rows * n), expected, "\(dtype): batch of \(rows)")
        for r in 0..<rows {
            let alone = try backend.makeBuffer(Array(x[r * k ..< (r + 1) * k]), label: "x.alone")
            let y = try backend.makeBuffer(byteCount: 4 * n, label: "y.alone")
            try backend.normMatmul(NormMatmulOp(rows: 1, k: k, n: n, weightType: dtype, eps: eps), x: alone,
                                   normWeight: normWeight, normed: normed, weights: weights, y: y)
            expectBitIdentical(try backend.read(y, count: n), Array(expected[r * n ..< (r + 1) * n]), "\(dtype) row \(r) alone")
        }
    }
}
