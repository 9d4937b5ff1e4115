import Foundation
import Kernels

extension Reference {
    /// kCache[slot[r], pos[r], :] = k[kOffset + r·rowStride ..< +kvWidth], likewise v.
    /// Caches: f32 [slots, ctx, kvWidth]; slots, positions: int32 [rows] (checked against the cache shape).
    public static func kvStore(_ op: KVStoreOp, k: [Float], v: [Float], kCache: inout [Float], vCache: inout [Float],
                               slots: [Int32], positions: [Int32]) throws {
        try op.validate(k: byteSize(k), v: byteSize(v), kCache: byteSize(kCache), vCache: byteSize(vCache),
                        slots: byteSize(slots), positions: byteSize(positions))
        try op.cache.validatePlacement(slots: Array(slots.prefix(op.rows)), positions: Array(positions.prefix(op.rows)),
                                       op: "kv_store")
        let width = op.cache.kvWidth
        for r in 0..<op.rows {
            let cacheRow = (Int(slots[r]) * op.cache.ctx + Int(positions[r])) * width
            for i in 0..<width {
                kCache[cacheRow + i] = k[op.kOffset + r * op.rowStride + i]
                vCache[cacheRow + i] = v[op.vOffset + r * op.rowStride + i]
            }
        }
    }

    /// Causal grouped-query attention: query row r, head h attends to positions first...pos[r] of slot slot[r]
    /// through KV head h / (nHeads / nKVHeads), first = 0 or, with a sliding window, the first position p0 with
    /// pos[r] − p0 < window. Scores = scale·q·k, softmax with max subtraction; all in f64.
    /// Returns out [rows, nHeads·headDim].
    public static func attention(_ op: AttentionOp, q: [Float], kCache: [Float], vCache: [Float],
                                 slots: [Int32], positions: [Int32]) throws -> [Float] {
        try op.validate(q: byteSize(q), kCache: byteSize(kCache), vCache: byteSize(vCache),
                        slots: byteSize(slots), positions: byteSize(positions), out: 4 * op.rows * op.outWidth)
        try op.cache.validatePlacement(slots: Array(slots.prefix(op.rows)), positions: Array(positions.prefix(op.rows)),
                                       op: "attention")
        let headDim = op.cache.headDim, kvWidth = op.cache.kvWidth
        let group = op.nHeads / op.cache.nKVHeads
        var out = [Float](repeating: 0, count: op.rows * op.outWidth)
        for r in 0..<op.rows {
            let slotBase = Int(slots[r]) * op.cache.ctx * kvWidth
            let last = Int(positions[r]), first = op.firstPosition(for: last)
            for h in 0..<op.nHeads {
                let qStart = op.qOffset + r * op.qRowStride + h * headDim
                let query = q[qStart ..< qStart + headDim]
                let kvHead = (h / group) * headDim
                func cacheRow(_ p: Int) -> Range<Int> { slotBase + p * kvWidth + kvHead ..< slotBase + p * kvWidth + kvHead + headDim }

                let visible = first...last
                let scores = visible.map { p in Double(op.scale) * dot(query, kCache[cacheRow(p)]) }
                let top = scores.max()!
                let weights = scores.map { exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<headDim {
                    var value = 0.0
                    for (w, p) in zip(weights, visible) { value += w * Double(vCache[cacheRow(p).lowerBound + d]) }
                    out[r * op.outWidth + h * headDim + d] = Float(value / total)
                }
            }
        }
        return out
    }
}
