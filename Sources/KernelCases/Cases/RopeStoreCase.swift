import Kernels

/// RoPE on q and the cache write of the rotated keys and the values in one op (`RopeStoreOp`). Named
/// `rope_store_<rows>x<nHeads>x<nKVHeads>x<headDim>`; the `qkv` variant reads q, k and v out of one fused QKV buffer
/// with nRot < headDim (so the unrotated tail of each key is copied, and k must stay as it was), as the forward pass
/// does. `neox` and `scaled` mark the NEOX pairing and frequency factors, as in `RopeCase`. q and both caches are
/// compared whole (the caches start as noise), and so is the QKV buffer.
public struct RopeStoreCase: KernelCase {
    public var op: RopeStoreOp
    public var fused: Bool
    /// Whether the op gets a frequency factors buffer.
    public var freqFactors: Bool

    /// q, k and v in buffers of their own.
    public init(rows: Int, nHeads: Int, cache: KVCacheShape, freqBase: Float = 10000, style: RopeStyle = .adjacent,
                freqFactors: Bool = false) {
        op = RopeStoreOp(rows: rows, nHeads: nHeads, cache: cache, freqBase: freqBase, style: style)
        fused = false
        self.freqFactors = freqFactors
    }

    /// Rows of one QKV buffer: nHeads query heads, then the keys, then the values.
    public init(qkvRows rows: Int, nHeads: Int, cache: KVCacheShape, nRot: Int, freqBase: Float = 10000,
                freqScale: Float = 0.5, style: RopeStyle = .adjacent, freqFactors: Bool = false) {
        let qWidth = nHeads * cache.headDim, stride = qWidth + 2 * cache.kvWidth
        op = RopeStoreOp(rows: rows, nHeads: nHeads, cache: cache, nRot: nRot, qRowStride: stride, qOffset: 0,
                         kvRowStride: stride, kOffset: qWidth, vOffset: qWidth + cache.kvWidth, freqBase: freqBase,
                         freqScale: freqScale, style: style)
        fused = true
        self.freqFactors = freqFactors
    }

    public var kernel: KernelName { .ropeStore }
    public var name: String {
        "rope_store\(fused ? "_qkv" : "")\(op.style == .neox ? "_neox" : "")\(freqFactors ? "_scaled" : "")"
            + "_\(op.rows)x\(op.nHeads)x\(op.cache.nKVHeads)x\(op.cache.headDim)"
    }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 6 * Double(op.rows * (op.nHeads + op.cache.nKVHeads) * op.nRot / 2) }
    public var bytes: Double {
        Double(8 * op.rows * op.nHeads * op.cache.headDim + 16 * op.rows * op.cache.kvWidth + 8 * op.rows)
    }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let cacheFloats = op.cache.bytes / 4
        let placements = random.distinctPlacements(rows: op.rows, cache: op.cache)   // [rows] int32 each
        let slots = placements.slots
        var positions = placements.positions
        // Row 0 at position 0 (no rotation at all), swapping positions with the row of its slot that had it.
        if let other = positions.indices.first(where: { slots[$0] == slots[0] && positions[$0] == 0 }) {
            positions.swapAt(0, other)
        } else {
            positions[0] = 0
        }
        let q = random.floats(op.rows * op.qRowStride)                    // [rows, qRowStride] f32 (QKV when fused)
        let qBuffer = try backend.makeBuffer(q, label: fused ? "qkv" : "q")
        let kBuffer = fused ? qBuffer : try backend.makeBuffer(random.floats(op.rows * op.kvRowStride), label: "k")
        let vBuffer = fused ? qBuffer : try backend.makeBuffer(random.floats(op.rows * op.kvRowStride), label: "v")
        let kCache = try backend.makeBuffer(random.floats(cacheFloats), label: "kCache")   // [slots, ctx, kvWidth] f32
        let vCache = try backend.makeBuffer(random.floats(cacheFloats), label: "vCache")   // [slots, ctx, kvWidth] f32
        let placement = RowPlacement(slots: try backend.makeBuffer(slots, label: "slots"),
                                     positions: try backend.makeBuffer(positions, label: "positions"))
        let factors = freqFactors ? try backend.makeBuffer(random.floats(op.nRot / 2, 1, 8), label: "freqFactors") : nil
        var outputs: [(String, B.Buffer, Int)] = [(fused ? "qkv" : "q", qBuffer, q.count)]
        if !fused { outputs.append(("k", kBuffer, op.rows * op.kvRowStride)) }
        outputs += [("kCache", kCache, cacheFloats), ("vCache", vCache, cacheFloats)]
        return PreparedCase(
            issue: {
                try backend.ropeStore(op, q: qBuffer, k: kBuffer, v: vBuffer, kCache: kCache, vCache: vCache,
                                      rows: placement, freqFactors: factors)
            },
            readOutputs: {
                CaseOutput(try outputs.map { name, buffer, count in .floats(name, try backend.read(buffer, count: count)) })
            })
    }
}
