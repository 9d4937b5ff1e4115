import Kernels

extension CPUBackend {
    /// RoPE on the query heads in place, and the rotated keys and the values written into the cache rows of the
    /// placement, one row per work item. The rotation is `RopeAngles`' (the one `rope` uses), so q and the cache
    /// hold the same bits as after rope, rope and kvStore.
    public func ropeStore(_ op: RopeStoreOp, q: CPUBuffer, k: CPUBuffer, v: CPUBuffer, kCache: CPUBuffer,
                          vCache: CPUBuffer, rows: RowPlacement<CPUBuffer>, freqFactors: CPUBuffer?) throws {
        try serialized("rope_store") {
            try op.validate(q: q.byteCount, k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount,
                            vCache: vCache.byteCount, slots: rows.slots.byteCount, positions: rows.positions.byteCount,
                            qSharesKV: q === k || q === v, freqFactors: freqFactors?.byteCount)
            try checkPlacement(rows, count: op.rows, cache: op.cache, op: "rope_store")
            let slots = rows.slots.int32s(), positions = rows.positions.int32s()
            let queries = q.floats(), keys = UnsafePointer(k.floats()), values = UnsafePointer(v.floats())
            let keyCache = kCache.floats(), valueCache = vCache.floats()
            let headDim = op.cache.headDim, kvWidth = op.cache.kvWidth, ctx = op.cache.ctx
            let angles = RopeAngles(nRot: op.nRot, freqBase: op.freqBase, freqScale: op.freqScale, style: op.style,
                                    freqFactors: freqFactors.map { UnsafePointer($0.floats()) })
            let scratches = workerScratch
            let rowFloats = op.nHeads * headDim + 2 * kvWidth
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: rowFloats),
                              minimumItems: 2 * rowsPerChunk(width: rowFloats)) { range, worker in
                let table = scratches[worker].floats(angles.tableCount)
                for r in range {
                    angles.fill(table, position: positions[r])
                    for h in 0..<op.nHeads {
                        let head = queries + op.qOffset + r * op.qRowStride + h * headDim
                        angles.rotate(head, into: head, table: table)
                    }
                    let cacheRow = (Int(slots[r]) * ctx + Int(positions[r])) * kvWidth
                    let keyRow = keys + op.kOffset + r * op.kvRowStride
                    for h in 0..<op.cache.nKVHeads {
                        let source = keyRow + h * headDim, target = keyCache + cacheRow + h * headDim
                        angles.rotate(source, into: target, table: table)
                        // Dims past nRot are not rotated.
                        (target + op.nRot).update(from: source + op.nRot, count: headDim - op.nRot)
                    }
                    (valueCache + cacheRow).update(from: values + op.vOffset + r * op.kvRowStride, count: kvWidth)
                }
            }
        }
    }
}
