import Kernels
import KernelsReference
import Testing

/// The reference kv_copy on caches whose every float is its own index (k) or its index + 1000 (v), so each value
/// says where it came from; and the op's validation: every bad value is an error naming the op and the value.
@Suite struct KVCopyTests {
    static let cache = KVCacheShape(slots: 4, ctx: 3, nKVHeads: 1, headDim: 2)   // kvWidth 2, 6 floats a slot

    /// Where the float at `index` must come from after copying `positions` of `source` into `targets`.
    static func origin(of index: Int, source: Int, targets: Range<Int>, positions: Int) -> Int {
        let slotFloats = cache.ctx * cache.kvWidth
        let slot = index / slotFloats, inSlot = index % slotFloats
        let copied = targets.contains(slot) && inSlot / cache.kvWidth < positions
        return copied ? source * slotFloats + inSlot : index
    }

    @Test(arguments: [(source: 1, first: 2, count: 2, positions: 2), (source: 3, first: 0, count: 3, positions: 3),
                      (source: 0, first: 1, count: 1, positions: 1)])
    func copiesThePrefixIntoEveryTargetAndLeavesTheRest(_ c: (source: Int, first: Int, count: Int, positions: Int)) throws {
        let floats = Self.cache.bytes / 4
        var k = (0..<floats).map(Float.init), v = (0..<floats).map { Float($0 + 1000) }
        let op = KVCopyOp(cache: Self.cache, positions: c.positions, sourceSlot: c.source, firstTarget: c.first,
                          targetCount: c.count)
        try Reference.kvCopy(op, kCache: &k, vCache: &v)
        let targets = c.first ..< c.first + c.count
        let expected = (0..<floats).map { Self.origin(of: $0, source: c.source, targets: targets, positions: c.positions) }
        #expect(k == expected.map(Float.init))
        #expect(v == expected.map { Float($0 + 1000) })
        // The check above is not vacuous: something was copied, and something in a target slot was not.
        #expect(expected.enumerated().contains { $0.offset != $0.element })
    }

    @Test(arguments: [(positions: 0, count: 2), (positions: 3, count: 0)])
    func anEmptyCopyChangesNothing(_ c: (positions: Int, count: Int)) throws {
        let floats = Self.cache.bytes / 4
        var k = (0..<floats).map(Float.init), v = k
        let op = KVCopyOp(cache: Self.cache, positions: c.positions, sourceSlot: 0, firstTarget: 1, targetCount: c.count)
        #expect(op.isEmpty)
        try Reference.kvCopy(op, kCache: &k, vCache: &v)
        #expect(k == (0..<floats).map(Float.init) && v == k)
    }

    /// (sourceSlot, firstTarget, targetCount, positions) and the text the error must contain.
    static let badOps: [(source: Int, first: Int, count: Int, positions: Int, message: String)] = [
        (4, 0, 2, 3, "sourceSlot 4 outside [0, 4)"),
        (-1, 0, 2, 3, "sourceSlot -1 outside [0, 4)"),
        (0, -1, 1, 3, "firstTarget -1 outside [0, 4]"),
        (0, 5, 0, 3, "firstTarget 5 outside [0, 4]"),
        (0, 2, 3, 3, "targetCount 3 from firstTarget 2 ends past the 4 slots"),
        (0, 1, Int.max, 3, "targetCount \(Int.max) from firstTarget 1 ends past the 4 slots"),
        (0, 1, -2, 3, "targetCount must not be negative, got -2"),
        (2, 1, 3, 3, "target slots 1..<4 contain the sourceSlot 2"),
        (0, 0, 1, 3, "target slots 0..<1 contain the sourceSlot 0"),
        (0, 1, 3, 4, "positions 4 outside [0, ctx 3]"),
        (0, 1, 3, -1, "positions -1 outside [0, ctx 3]"),
        // An empty copy is still checked.
        (7, 1, 3, 0, "sourceSlot 7 outside [0, 4)"),
    ]

    @Test(arguments: badOps.indices)
    func badSlotsAndPositionsAreErrorsNamingTheOpAndTheValue(_ i: Int) {
        let bad = Self.badOps[i]
        let op = KVCopyOp(cache: Self.cache, positions: bad.positions, sourceSlot: bad.source, firstTarget: bad.first,
                          targetCount: bad.count)
        var k = [Float](repeating: 0, count: Self.cache.bytes / 4), v = k
        let error = #expect(throws: KernelError.self) { try Reference.kvCopy(op, kCache: &k, vCache: &v) }
        #expect(error == .invalidShape(op: "kv_copy", detail: bad.message))
        #expect("\(error.map { "\($0)" } ?? "")".hasPrefix("kv_copy: "))
    }

    @Test func emptyCacheDimensionsAreErrors() {
        let op = KVCopyOp(cache: KVCacheShape(slots: 4, ctx: 3, nKVHeads: 0, headDim: 2), positions: 1, sourceSlot: 0,
                          firstTarget: 1, targetCount: 1)
        let error = #expect(throws: KernelError.self) { try op.validate(kCache: 1024, vCache: 1024) }
        #expect(error == .invalidShape(op: "kv_copy", detail: "nKVHeads must be positive, got 0"))
    }

    @Test func cachesSmallerThanTheShapeAreErrorsNamingTheCache() {
        let op = KVCopyOp(cache: Self.cache, positions: 1, sourceSlot: 0, firstTarget: 1, targetCount: 1)
        let bytes = Self.cache.bytes   // 96
        let k = #expect(throws: KernelError.self) { try op.validate(kCache: bytes - 4, vCache: bytes) }
        #expect(k == .bufferTooSmall(op: "kv_copy", operand: "kCache", neededBytes: bytes, actualBytes: bytes - 4))
        let v = #expect(throws: KernelError.self) { try op.validate(kCache: bytes, vCache: 0) }
        #expect(v == .bufferTooSmall(op: "kv_copy", operand: "vCache", neededBytes: bytes, actualBytes: 0))
    }
}
