import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// RoPE on the query heads and the cache write of the rotated keys and the values, one launch
    /// (Shaders/rope_store.comp): one invocation per query pair and per key/value pair, rows on the grid's y axis.
    /// Without frequency factors their binding is a placeholder the shader does not read.
    public func ropeStore(_ op: RopeStoreOp, q: Buffer, k: Buffer, v: Buffer, kCache: Buffer, vCache: Buffer,
                          rows: RowPlacement<Buffer>, freqFactors: Buffer?) throws {
        try op.validate(q: q.byteCount, k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount,
                        vCache: vCache.byteCount, slots: rows.slots.byteCount, positions: rows.positions.byteCount,
                        qSharesKV: q === k || q === v, freqFactors: freqFactors?.byteCount)
        let items = op.nHeads * op.nRot / 2 + op.cache.kvWidth / 2
        try dispatch(
            "rope_store", specialization: geometry.elementSpecialization,
            bindings: [
                bind(q, .readWrite, bytes: 4 * op.qExtent),
                bind(k, .read, bytes: 4 * op.kExtent),
                bind(v, .read, bytes: 4 * op.vExtent),
                bind(kCache, .write, bytes: op.cache.bytes),
                bind(vCache, .write, bytes: op.cache.bytes),
                bind(rows.slots, .read, bytes: 4 * op.rows),
                bind(rows.positions, .read, bytes: 4 * op.rows),
                try freqFactorsBinding(freqFactors, nRot: op.nRot),
            ],
            push: op.push(hasFreqFactors: freqFactors != nil),
            groups: try geometry.grid(groups(items, of: geometry.elementGroup), op.rows, op: "rope_store"))
    }
}
