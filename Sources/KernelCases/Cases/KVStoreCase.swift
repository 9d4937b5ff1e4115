import Kernels

/// kCache[slot[r], pos[r], :] = k row r, likewise v. Named `kv_store_<rows>x<kvWidth>`; the `qkv` variant reads K and V
/// out of one fused QKV buffer (rowStride = q + k + v widths, with offsets), as the forward pass does. The caches start
/// as noise and are compared whole, so a write to the wrong slot or position shows.
public struct KVStoreCase: KernelCase {
    public var op: KVStoreOp
    public var fused: Bool

    public init(rows: Int, cache: KVCacheShape) {
        op = KVStoreOp(rows: rows, cache: cache)
        fused = false
    }

    /// K and V inside a fused row of `qWidth` query floats followed by K then V.
    public init(fusedRows rows: Int, cache: KVCacheShape, qWidth: Int) {
        op = KVStoreOp(rows: rows, cache: cache, rowStride: qWidth + 2 * cache.kvWidth,
                       kOffset: qWidth, vOffset: qWidth + cache.kvWidth)
        fused = true
    }

    public var kernel: KernelName { .kvStore }
    public var name: String { "kv_store\(fused ? "_qkv" : "")_\(op.rows)x\(op.cache.kvWidth)" }
    public var tolerance: ToleranceClass { .exact }
    public var flops: Double { 0 }
    public var bytes: Double { Double(16 * op.rows * op.cache.kvWidth + 8 * op.rows) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let cacheFloats = op.cache.bytes / 4
        let (slots, positions) = random.distinctPlacements(rows: op.rows, cache: op.cache)   // [rows] int32 each
        let sourceFloats = (op.rows - 1) * op.rowStride + op.cache.kvWidth
        // [kOffset + (rows-1)*rowStride + kvWidth] f32, or when fused the whole [rows, rowStride] QKV block
        let k = random.floats(max(op.kOffset, op.vOffset) + sourceFloats)
        let kBuffer = try backend.makeBuffer(k, label: fused ? "qkv" : "k")
        let vBuffer = fused ? kBuffer : try backend.makeBuffer(random.floats(sourceFloats), label: "v")
        let kCache = try backend.makeBuffer(random.floats(cacheFloats), label: "kCache")   // [slots, ctx, kvWidth] f32
        let vCache = try backend.makeBuffer(random.floats(cacheFloats), label: "vCache")   // [slots, ctx, kvWidth] f32
        let placement = RowPlacement(slots: try backend.makeBuffer(slots, label: "slots"),
                                     positions: try backend.makeBuffer(positions, label: "positions"))
        return PreparedCase(
            issue: { try backend.kvStore(op, k: kBuffer, v: vBuffer, kCache: kCache, vCache: vCache, rows: placement) },
            readOutputs: {
                CaseOutput([.floats("kCache", try backend.read(kCache, count: cacheFloats)),
                            .floats("vCache", try backend.read(vCache, count: cacheFloats))])
            })
    }
}

extension SplitMix64 {
    /// Row r goes to slot r % slots at a random position; no two rows share a (slot, position), so the stores never
    /// race. Needs rows <= slots · ctx.
    mutating func distinctPlacements(rows: Int, cache: KVCacheShape) -> (slots: [Int32], positions: [Int32]) {
        let rowsPerSlot = (rows + cache.slots - 1) / cache.slots
        let positionsOfSlot = (0..<cache.slots).map { _ in distinctIndices(rowsPerSlot, below: cache.ctx) }
        let slots = (0..<rows).map { Int32($0 % cache.slots) }
        let positions = (0..<rows).map { Int32(positionsOfSlot[$0 % cache.slots][$0 / cache.slots]) }
        return (slots, positions)
    }
}
