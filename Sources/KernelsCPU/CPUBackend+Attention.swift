import Foundation
import Kernels

extension CPUBackend {
    /// Reads the placement of every row and checks it against the cache: a bad slot or position is an error,
    /// never a write outside the cache.
    func checkPlacement(_ rows: RowPlacement<CPUBuffer>, count: Int, cache: KVCacheShape, op: String) throws {
        let slots = rows.slots.int32s(), positions = rows.positions.int32s()
        for r in 0..<count {
            guard slots[r] >= 0, Int(slots[r]) < cache.slots else {
                throw KernelError.invalidShape(op: op, detail: "row \(r): slot \(slots[r]) outside [0, \(cache.slots))")
            }
            guard positions[r] >= 0, Int(positions[r]) < cache.ctx else {
                throw KernelError.invalidShape(op: op, detail: "row \(r): position \(positions[r]) outside the context [0, \(cache.ctx))")
            }
        }
    }

    /// kCache[slot[r], pos[r], :] = k[kOffset + r·rowStride ..< +kvWidth], likewise v.
    public func kvStore(_ op: KVStoreOp, k: CPUBuffer, v: CPUBuffer, kCache: CPUBuffer, vCache: CPUBuffer,
                        rows: RowPlacement<CPUBuffer>) throws {
        try serialized("kv_store") {
            try op.validate(k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                            slots: rows.slots.byteCount, positions: rows.positions.byteCount)
            try checkPlacement(rows, count: op.rows, cache: op.cache, op: "kv_store")
            let slots = rows.slots.int32s(), positions = rows.positions.int32s()
            let width = op.cache.kvWidth
            for r in 0..<op.rows {
                let cacheRow = (Int(slots[r]) * op.cache.ctx + Int(positions[r])) * width
                kCache.floats(at: cacheRow).update(from: k.floats(at: op.kOffset + r * op.rowStride), count: width)
                vCache.floats(at: cacheRow).update(from: v.floats(at: op.vOffset + r * op.rowStride), count: width)
            }
        }
    }

    /// Causal grouped-query attention, two passes per (row, head) in f32: scores q·k·scale for positions
    /// first...pos[r] (first = 0, or the window's first position: `AttentionOp.firstPosition`) into per-worker
    /// scratch, then exp(s − max) and the weighted sum of v, divided by Σ exp once.
    /// Decode and prefill rows run the same per-(row, head) code, so a row's output is independent of its batch.
    public func attention(_ op: AttentionOp, q: CPUBuffer, kCache: CPUBuffer, vCache: CPUBuffer,
                          rows: RowPlacement<CPUBuffer>, out: CPUBuffer) throws {
        try serialized("attention") {
            try op.validate(q: q.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                            slots: rows.slots.byteCount, positions: rows.positions.byteCount, out: out.byteCount)
            try checkPlacement(rows, count: op.rows, cache: op.cache, op: "attention")
            let slots = rows.slots.int32s(), positions = rows.positions.int32s()
            let queries = UnsafePointer(q.floats()), keys = UnsafePointer(kCache.floats())
            let values = UnsafePointer(vCache.floats()), output = out.floats()
            let headDim = op.cache.headDim, kvWidth = op.cache.kvWidth, ctx = op.cache.ctx
            let group = op.nHeads / op.cache.nKVHeads, nHeads = op.nHeads
            let scale = op.scale, qRowStride = op.qRowStride, qOffset = op.qOffset, outWidth = op.outWidth
            let scratches = workerScratch
            for arena in scratches { _ = arena.floats(ctx) }   // grow before the workers start

            // One item per (row, head); tiny contexts run inline.
            let items = op.rows * nHeads
            let visible = (0..<op.rows).reduce(0) { sum, r in
                sum + Int(positions[r]) + 1 - op.firstPosition(for: Int(positions[r]))
            }
            let work = visible * nHeads * headDim
            pool.forEachRange(count: items, itemsPerChunk: 1, minimumItems: work < 1 << 15 ? items : 1) { range, worker in
                let scores = scratches[worker].floats(ctx)   // [visible positions] f32
                for item in range {
                    let r = item / nHeads, h = item % nHeads
                    let query = queries + qOffset + r * qRowStride + h * headDim
                    let last = Int(positions[r]), first = op.firstPosition(for: last), visible = last + 1 - first
                    // The visible positions' keys and values start at `base`.
                    let base = Int(slots[r]) * ctx * kvWidth + (h / group) * headDim + first * kvWidth
                    let target = output + r * outWidth + h * headDim

                    var top = -Float.infinity
                    for p in 0..<visible {
                        let s = VectorMath.dot(query, keys + base + p * kvWidth, count: headDim) * scale
                        scores[p] = s
                        top = max(top, s)
                    }
                    // Σ exp in SIMD lanes (fixed order for a given length), then the lanes' sum.
                    var lanes = SIMD16<Float>()
                    forEachSixteen(count: visible) { p, count in
                        var e = exp16(loadFloats(scores + p, lanes: count) - top)
                        if count < 16 { e = e.replacing(with: 0, where: laneIndices .>= Int32(count)) }
                        storeFloats(e, to: scores + p, lanes: count)
                        lanes += e
                    }
                    let sum = horizontalSum(lanes)
                    VectorMath.weightedSum(scores, rows: values + base, stride: kvWidth, count: visible,
                                           width: headDim, into: target)
                    let inverse = 1 / sum
                    for d in 0..<headDim { target[d] *= inverse }
                }
            }
        }
    }
}

/// 0, 1, …, 15: masks the lanes past a partial group.
private let laneIndices = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
