import Kernels

/// Causal grouped-query attention over a KV cache. Named `attention_<variant>_<rows>x<nHeads>x<nKVHeads>x<headDim>`:
/// - `decode`: one row per sequence, sequence r in slot r at its own position (positions differ, one is 0);
/// - `prefill`: a block of consecutive positions per sequence (possibly continuing a cached prefix), with queries read
///   out of a fused QKV row (qRowStride > nHeads · headDim).
/// With a sliding window the variant reads `decode_swa<window>` or `prefill_swa<window>`.
/// The caches hold noise everywhere, also past each row's position and before its window, so a kernel that reads
/// beyond pos[r] or before the window fails.
public struct AttentionCase: KernelCase {
    public enum Variant: String, Sendable { case decode, prefill }

    public var variant: Variant
    public var op: AttentionOp
    public var slots: [Int32]       // [rows]
    public var positions: [Int32]   // [rows]

    /// One row per sequence: sequence r lives in slot r at `positions[r]`.
    public static func decode(positions: [Int], nHeads: Int, nKVHeads: Int, headDim: Int, ctx: Int,
                              window: Int = 0) -> AttentionCase {
        let cache = KVCacheShape(slots: positions.count, ctx: ctx, nKVHeads: nKVHeads, headDim: headDim)
        return AttentionCase(
            variant: .decode, op: AttentionOp(rows: positions.count, nHeads: nHeads, cache: cache, window: window),
            slots: positions.indices.map { Int32($0) }, positions: positions.map { Int32($0) })
    }

    /// For each (start, count) in `blocks`, `count` rows of a sequence in its own slot at positions start..<start+count.
    /// Queries sit at the start of fused QKV rows of width (nHeads + 2 nKVHeads) · headDim.
    public static func prefill(blocks: [(start: Int, count: Int)], nHeads: Int, nKVHeads: Int, headDim: Int,
                               ctx: Int, window: Int = 0) -> AttentionCase {
        let cache = KVCacheShape(slots: blocks.count, ctx: ctx, nKVHeads: nKVHeads, headDim: headDim)
        var slots: [Int32] = [], positions: [Int32] = []
        for (slot, block) in blocks.enumerated() {
            for position in block.start..<(block.start + block.count) {
                slots.append(Int32(slot)); positions.append(Int32(position))
            }
        }
        let op = AttentionOp(rows: slots.count, nHeads: nHeads, cache: cache,
                             qRowStride: (nHeads + 2 * nKVHeads) * headDim, window: window)
        return AttentionCase(variant: .prefill, op: op, slots: slots, positions: positions)
    }

    public var kernel: KernelName { .attention }
    public var name: String {
        let window = op.window > 0 ? "_swa\(op.window)" : ""
        return "attention_\(variant.rawValue)\(window)_\(op.rows)x\(op.nHeads)x\(op.cache.nKVHeads)x\(op.cache.headDim)"
    }
    public var tolerance: ToleranceClass { .reduction }
    /// Positions each row attends to: pos + 1, or fewer in a sliding window.
    private var visiblePositions: [Int] { positions.map { Int($0) + 1 - op.firstPosition(for: Int($0)) } }
    /// Per row and head: a dot product and a weighted sum over the visible cached positions.
    public var flops: Double {
        visiblePositions.reduce(0.0) { $0 + 4 * Double(op.nHeads * op.cache.headDim) * Double($1) }
    }
    public var bytes: Double {
        let kvRead = visiblePositions.reduce(0.0) { $0 + 8 * Double(op.cache.kvWidth) * Double($1) }
        return kvRead + Double(8 * op.rows * op.outWidth)
    }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        try op.cache.validatePlacement(slots: slots, positions: positions, op: "attention")
        var random = seededInputs
        let cacheFloats = op.cache.bytes / 4
        let q = random.floats(op.qOffset + (op.rows - 1) * op.qRowStride + op.outWidth)   // [rows, qRowStride] f32
        let qBuffer = try backend.makeBuffer(q, label: "q")
        let kCache = try backend.makeBuffer(random.floats(cacheFloats), label: "kCache")   // [slots, ctx, kvWidth] f32
        let vCache = try backend.makeBuffer(random.floats(cacheFloats), label: "vCache")   // [slots, ctx, kvWidth] f32
        let placement = RowPlacement(slots: try backend.makeBuffer(slots, label: "slots"),
                                     positions: try backend.makeBuffer(positions, label: "positions"))
        let outFloats = op.rows * op.outWidth
        let out = try backend.makeBuffer(byteCount: 4 * outFloats, label: "out")   // [rows, nHeads * headDim] f32
        return PreparedCase(
            issue: { try backend.attention(op, q: qBuffer, kCache: kCache, vCache: vCache, rows: placement, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: outFloats))]) })
    }
}
