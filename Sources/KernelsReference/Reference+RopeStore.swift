import Kernels

extension Reference {
    /// RoPE on the query heads of q (in place), RoPE on the key heads of a copy of k, then the cache write of those
    /// keys and of v: the fused op spelled out as the three reference ops it stands for (each in f64).
    /// q: [rows, qRowStride]; k, v: [rows, kvRowStride]; caches: f32 [slots, ctx, kvWidth]; slots, positions: int32 [rows].
    /// freqFactors: f32 [nRot/2] or nil, as for `rope`.
    public static func ropeStore(_ op: RopeStoreOp, q: inout [Float], k: [Float], v: [Float], kCache: inout [Float],
                                 vCache: inout [Float], slots: [Int32], positions: [Int32],
                                 freqFactors: [Float]? = nil) throws {
        try op.validate(q: byteSize(q), k: byteSize(k), v: byteSize(v), kCache: byteSize(kCache),
                        vCache: byteSize(vCache), slots: byteSize(slots), positions: byteSize(positions),
                        qSharesKV: false, freqFactors: freqFactors.map { byteSize($0) })
        var keys = k
        try rope(op.keyRope, x: &keys, positions: positions, freqFactors: freqFactors)
        try kvStore(op.store, k: keys, v: v, kCache: &kCache, vCache: &vCache, slots: slots, positions: positions)
        try rope(op.queryRope, x: &q, positions: positions, freqFactors: freqFactors)
    }
}
