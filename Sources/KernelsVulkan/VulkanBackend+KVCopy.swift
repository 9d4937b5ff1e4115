import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// Both caches in one dispatch: the copied floats of a slot on the folded (x, y) grid, the target slots on z. The
    /// caches are bound read-write, so the barrier tracking orders the copy after the ops that wrote the source and
    /// before those that read or overwrite the targets.
    public func kvCopy(_ op: KVCopyOp, kCache: Buffer, vCache: Buffer) throws {
        try op.validate(kCache: kCache.byteCount, vCache: vCache.byteCount)
        if op.isEmpty { return }
        let chunks = try geometry.folded(groups(op.floatsPerSlot, of: geometry.elementGroup), op: "kv_copy")
        try dispatch(
            "kv_copy", specialization: geometry.elementSpecialization,
            bindings: [bind(kCache, .readWrite, bytes: op.cache.bytes), bind(vCache, .readWrite, bytes: op.cache.bytes)],
            push: op.push, groups: try geometry.grid(chunks.x, chunks.y, op.targetCount, op: "kv_copy"))
    }
}
