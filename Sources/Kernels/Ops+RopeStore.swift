import KernelABI

/// RoPE and the KV-cache write of one block as one op: exactly `queryRope` on q, then `keyRope` on k, then `store`,
/// except that k itself is left as it was (its rotated keys go only into the cache, the one place that reads them).
/// One launch instead of three, with the same arithmetic: the rotated values are bit-identical to the three ops'.
///
/// Query row r, head h sits at q[qOffset + r·qRowStride + h·headDim]; key and value rows at kOffset and vOffset +
/// r·kvRowStride in k and v, `cache.kvWidth` floats each. q, k and v may be one buffer (the fused QKV output), as long
/// as the query heads do not overlap the keys or values. The host guarantees slot < slots and pos < ctx (backends
/// check placements before writing). `style` and the optional frequency factors are those of `RopeOp`, shared by the
/// query and key rotations.
public struct RopeStoreOp: Sendable, Equatable {
    public var rows: Int, nHeads: Int, nRot: Int
    public var cache: KVCacheShape
    public var qRowStride: Int, qOffset: Int
    public var kvRowStride: Int, kOffset: Int, vOffset: Int
    public var freqBase: Float, freqScale: Float
    public var style: RopeStyle

    public init(rows: Int, nHeads: Int, cache: KVCacheShape, nRot: Int? = nil, qRowStride: Int? = nil, qOffset: Int = 0,
                kvRowStride: Int? = nil, kOffset: Int = 0, vOffset: Int = 0, freqBase: Float, freqScale: Float = 1,
                style: RopeStyle = .adjacent) {
        self.rows = rows; self.nHeads = nHeads; self.nRot = nRot ?? cache.headDim; self.cache = cache
        self.qRowStride = qRowStride ?? nHeads * cache.headDim; self.qOffset = qOffset
        self.kvRowStride = kvRowStride ?? cache.kvWidth; self.kOffset = kOffset; self.vOffset = vOffset
        self.freqBase = freqBase; self.freqScale = freqScale; self.style = style
    }

    /// The query rotation this op performs.
    public var queryRope: RopeOp {
        RopeOp(rows: rows, nHeads: nHeads, headDim: cache.headDim, nRot: nRot, rowStride: qRowStride, headOffset: qOffset,
               freqBase: freqBase, freqScale: freqScale, style: style)
    }
    /// The key rotation whose result this op stores.
    public var keyRope: RopeOp {
        RopeOp(rows: rows, nHeads: cache.nKVHeads, headDim: cache.headDim, nRot: nRot, rowStride: kvRowStride,
               headOffset: kOffset, freqBase: freqBase, freqScale: freqScale, style: style)
    }
    /// The cache write this op performs (of the rotated keys).
    public var store: KVStoreOp {
        KVStoreOp(rows: rows, cache: cache, rowStride: kvRowStride, kOffset: kOffset, vOffset: vOffset)
    }

    /// The push block; `hasFreqFactors` says whether a factors buffer is bound.
    public func push(hasFreqFactors: Bool) -> VeerRopeStorePush {
        VeerRopeStorePush(rows: UInt32(rows), nHeads: UInt32(nHeads), nKVHeads: UInt32(cache.nKVHeads),
                          headDim: UInt32(cache.headDim), nRot: UInt32(nRot), ctx: UInt32(cache.ctx),
                          qRowStride: UInt32(qRowStride), qOffset: UInt32(qOffset), kvRowStride: UInt32(kvRowStride),
                          kOffset: UInt32(kOffset), vOffset: UInt32(vOffset), freqBase: freqBase, freqScale: freqScale,
                          style: style.rawValue, hasFreqFactors: hasFreqFactors ? 1 : 0)
    }

    /// Floats of q the op reads and writes: up to the end of the last row's query heads.
    public var qExtent: Int { qOffset + (rows - 1) * qRowStride + nHeads * cache.headDim }
    /// Floats of k (or v) the op reads: up to the end of the last row's keys (values).
    public var kExtent: Int { kOffset + (rows - 1) * kvRowStride + cache.kvWidth }
    public var vExtent: Int { vOffset + (rows - 1) * kvRowStride + cache.kvWidth }

    /// - Parameter qSharesKV: q is the same buffer as k or v; then the query heads must not overlap them (the
    ///   rotation in place would race with the reads of the keys).
    /// - Parameter freqFactors: the byte count of the frequency factors buffer, nil when there is none.
    public func validate(q: Int, k: Int, v: Int, kCache: Int, vCache: Int, slots: Int, positions: Int,
                         qSharesKV: Bool, freqFactors: Int? = nil) throws {
        let op = "rope_store"
        try requirePositive(rows, "rows", op: op); try requirePositive(nHeads, "nHeads", op: op)
        try requirePositive(cache.nKVHeads, "nKVHeads", op: op)
        try RopeOp.checkRotation(headDim: cache.headDim, nRot: nRot, op: op)
        try RopeOp.checkHeadsFit(nHeads: nHeads, headDim: cache.headDim, headOffset: qOffset, rowStride: qRowStride,
                                 op: op, operand: "query")
        try RopeOp.checkHeadsFit(nHeads: cache.nKVHeads, headDim: cache.headDim, headOffset: kOffset,
                                 rowStride: kvRowStride, op: op, operand: "key")
        try RopeOp.checkHeadsFit(nHeads: cache.nKVHeads, headDim: cache.headDim, headOffset: vOffset,
                                 rowStride: kvRowStride, op: op, operand: "value")
        if qSharesKV {
            guard qRowStride == kvRowStride else {
                throw KernelError.invalidShape(op: op, detail: "q shares its buffer with k or v, so its row stride \(qRowStride) must equal theirs, \(kvRowStride)")
            }
            let queries = qOffset ..< qOffset + nHeads * cache.headDim
            for (name, start) in [("keys", kOffset), ("values", vOffset)] where queries.overlaps(start ..< start + cache.kvWidth) {
                throw KernelError.invalidShape(op: op, detail: "the query heads \(queries) overlap the \(name) at \(start) ..< \(start + cache.kvWidth) of the shared buffer")
            }
        }
        try requireBytes(q, 4 * qExtent, op: op, operand: "q")
        try requireBytes(k, 4 * kExtent, op: op, operand: "k")
        try requireBytes(v, 4 * vExtent, op: op, operand: "v")
        try requireBytes(kCache, cache.bytes, op: op, operand: "kCache")
        try requireBytes(vCache, cache.bytes, op: op, operand: "vCache")
        try requireBytes(slots, 4 * rows, op: op, operand: "slots")
        try requireBytes(positions, 4 * rows, op: op, operand: "positions")
        if let freqFactors { try requireBytes(freqFactors, 4 * nRot / 2, op: op, operand: "freqFactors") }
    }
}
