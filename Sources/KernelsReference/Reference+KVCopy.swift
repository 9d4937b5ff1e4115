import Kernels

extension Reference {
    /// kCache[t, p, :] = kCache[sourceSlot, p, :] for every target slot t and position p < positions, likewise vCache;
    /// everything else stays. Caches: f32 [slots, ctx, kvWidth].
    public static func kvCopy(_ op: KVCopyOp, kCache: inout [Float], vCache: inout [Float]) throws {
        try op.validate(kCache: byteSize(kCache), vCache: byteSize(vCache))
        let width = op.cache.kvWidth, ctx = op.cache.ctx
        for target in op.targets {
            for position in 0..<op.positions {
                let from = (op.sourceSlot * ctx + position) * width, to = (target * ctx + position) * width
                for i in 0..<width {
                    kCache[to + i] = kCache[from + i]
                    vCache[to + i] = vCache[from + i]
                }
            }
        }
    }
}
