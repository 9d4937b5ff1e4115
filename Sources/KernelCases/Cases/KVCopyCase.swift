import Kernels

/// Copies the first `positions` of one cache slot into a contiguous range of other slots, both caches. Named
/// `kv_copy_from<source>_to<firstTarget>x<targetCount>_<positions>x<kvWidth>`. The caches start as noise and are
/// compared whole, so a write past the copied positions, into a slot outside the targets, or a source that changed
/// shows.
public struct KVCopyCase: KernelCase {
    public var op: KVCopyOp

    public init(cache: KVCacheShape, positions: Int, sourceSlot: Int, firstTarget: Int, targetCount: Int) {
        op = KVCopyOp(cache: cache, positions: positions, sourceSlot: sourceSlot, firstTarget: firstTarget,
                      targetCount: targetCount)
    }

    public var kernel: KernelName { .kvCopy }
    public var name: String {
        "kv_copy_from\(op.sourceSlot)_to\(op.firstTarget)x\(op.targetCount)_\(op.positions)x\(op.cache.kvWidth)"
    }
    public var tolerance: ToleranceClass { .exact }
    public var flops: Double { 0 }
    /// Both caches: the source prefix read once, each target's prefix written.
    public var bytes: Double { Double(2 * 4 * op.floatsPerSlot * (1 + op.targetCount)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let cacheFloats = op.cache.bytes / 4
        let kCache = try backend.makeBuffer(random.floats(cacheFloats), label: "kCache")   // [slots, ctx, kvWidth] f32
        let vCache = try backend.makeBuffer(random.floats(cacheFloats), label: "vCache")   // [slots, ctx, kvWidth] f32
        return PreparedCase(
            issue: { try backend.kvCopy(op, kCache: kCache, vCache: vCache) },
            readOutputs: {
                CaseOutput([.floats("kCache", try backend.read(kCache, count: cacheFloats)),
                            .floats("vCache", try backend.read(vCache, count: cacheFloats))])
            })
    }
}
