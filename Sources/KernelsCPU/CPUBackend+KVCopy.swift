import Kernels

extension CPUBackend {
    /// One memcpy per target slot and cache: raw bytes, so every value (NaN payloads included) arrives bit for bit.
    public func kvCopy(_ op: KVCopyOp, kCache: CPUBuffer, vCache: CPUBuffer) throws {
        try serialized("kv_copy") {
            try op.validate(kCache: kCache.byteCount, vCache: vCache.byteCount)
            if op.isEmpty { return }
            let slotBytes = 4 * op.slotFloats, copyBytes = 4 * op.floatsPerSlot
            for cache in [kCache, vCache] {
                let source = UnsafeRawPointer(cache.base + op.sourceSlot * slotBytes)
                for target in op.targets {
                    (cache.base + target * slotBytes).copyMemory(from: source, byteCount: copyBytes)
                }
            }
        }
    }
}
