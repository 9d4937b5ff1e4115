import KernelABI

/// For both caches, copies positions 0..<positions of slot `sourceSlot` into every slot of
/// firstTarget..<firstTarget+targetCount, bit for bit: a prompt prefilled once in one slot then continues in several
/// slots at once (one per answer option) without being prefilled again. The targets must not include the source;
/// every slot lies in the cache and positions <= ctx. The rest of each target slot (positions >= `positions`) is left
/// as it was. positions == 0 or targetCount == 0 copies nothing, and a backend issues no work for it.
public struct KVCopyOp: Sendable, Equatable {
    public var cache: KVCacheShape
    public var positions: Int
    public var sourceSlot: Int, firstTarget: Int, targetCount: Int

    public init(cache: KVCacheShape, positions: Int, sourceSlot: Int, firstTarget: Int, targetCount: Int) {
        self.cache = cache; self.positions = positions
        self.sourceSlot = sourceSlot; self.firstTarget = firstTarget; self.targetCount = targetCount
    }

    /// The target slots. Meaningful once `validate` has passed (then it cannot overflow).
    public var targets: Range<Int> { firstTarget ..< firstTarget + targetCount }
    /// Nothing to copy: the backends return after validating.
    public var isEmpty: Bool { positions == 0 || targetCount == 0 }
    /// Floats copied into each target slot, per cache.
    public var floatsPerSlot: Int { positions * cache.kvWidth }
    /// Floats of one slot of one cache (its stride).
    public var slotFloats: Int { cache.ctx * cache.kvWidth }

    public var push: VeerKVCopyPush {
        VeerKVCopyPush(count: UInt32(floatsPerSlot), slotFloats: UInt32(slotFloats), sourceSlot: UInt32(sourceSlot),
                       firstTarget: UInt32(firstTarget), targetCount: UInt32(targetCount))
    }

    /// Checks the slots and positions against the cache shape, then the caches' sizes.
    public func validate(kCache: Int, vCache: Int) throws {
        let op = "kv_copy"
        func fail(_ detail: String) -> KernelError { .invalidShape(op: op, detail: detail) }
        try requirePositive(cache.slots, "slots", op: op); try requirePositive(cache.ctx, "ctx", op: op)
        try requirePositive(cache.nKVHeads, "nKVHeads", op: op); try requirePositive(cache.headDim, "headDim", op: op)
        guard positions >= 0, positions <= cache.ctx else {
            throw fail("positions \(positions) outside [0, ctx \(cache.ctx)]")
        }
        guard sourceSlot >= 0, sourceSlot < cache.slots else {
            throw fail("sourceSlot \(sourceSlot) outside [0, \(cache.slots))")
        }
        guard targetCount >= 0 else { throw fail("targetCount must not be negative, got \(targetCount)") }
        guard firstTarget >= 0, firstTarget <= cache.slots else {
            throw fail("firstTarget \(firstTarget) outside [0, \(cache.slots)]")
        }
        // Compared without firstTarget + targetCount, which could overflow.
        guard targetCount <= cache.slots - firstTarget else {
            throw fail("targetCount \(targetCount) from firstTarget \(firstTarget) ends past the \(cache.slots) slots")
        }
        guard !targets.contains(sourceSlot) else {
            throw fail("target slots \(firstTarget)..<\(firstTarget + targetCount) contain the sourceSlot \(sourceSlot)")
        }
        try requireBytes(kCache, cache.bytes, op: op, operand: "kCache")
        try requireBytes(vCache, cache.bytes, op: op, operand: "vCache")
    }
}
