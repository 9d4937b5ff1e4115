import Kernels
import KernelsCPU
import KernelsReference
import TestSupport
import Testing

/// The CPU kv_copy against the reference, bit for bit (NaN payloads and signed zeros included); empty and bad copies
/// leave the caches as they were.
@Suite struct KVCopyTests {
    static let cache = KVCacheShape(slots: 5, ctx: 9, nKVHeads: 3, headDim: 4)

    /// Noise with a quiet NaN carrying a payload, a signalling-pattern NaN, -0 and infinities in every slot.
    static func caches(seed: UInt64) -> (k: [Float], v: [Float]) {
        var rng = SeededRandom(seed: seed)
        func one() -> [Float] {
            var values = rng.floats(cache.bytes / 4, scale: 3)
            let special: [Float] = [Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0x7F80_0001), -0.0, .infinity,
                                    -.infinity]
            let slotFloats = cache.ctx * cache.kvWidth
            for slot in 0..<cache.slots {
                for (j, value) in special.enumerated() { values[slot * slotFloats + 7 * j] = value }
            }
            return values
        }
        return (one(), one())
    }

    @Test(arguments: [(source: 0, first: 1, count: 4, positions: 9), (source: 4, first: 0, count: 3, positions: 5),
                      (source: 2, first: 3, count: 2, positions: 1)])
    func matchesTheReferenceBitForBit(_ c: (source: Int, first: Int, count: Int, positions: Int)) throws {
        let op = KVCopyOp(cache: Self.cache, positions: c.positions, sourceSlot: c.source, firstTarget: c.first,
                          targetCount: c.count)
        var (kExpected, vExpected) = Self.caches(seed: UInt64(c.source * 10 + c.first))
        let cpu = CPUBackend(threads: 2)
        let kCache = try cpu.makeBuffer(kExpected, label: "k"), vCache = try cpu.makeBuffer(vExpected, label: "v")
        try cpu.kvCopy(op, kCache: kCache, vCache: vCache)
        try Reference.kvCopy(op, kCache: &kExpected, vCache: &vExpected)
        #expect(bits(try cpu.read(kCache, count: kExpected.count)) == bits(kExpected))
        #expect(bits(try cpu.read(vCache, count: vExpected.count)) == bits(vExpected))
    }

    @Test func emptyAndBadCopiesLeaveTheCachesAlone() throws {
        let (k, v) = Self.caches(seed: 99)
        let cpu = CPUBackend(threads: 2)
        let kCache = try cpu.makeBuffer(k, label: "k"), vCache = try cpu.makeBuffer(v, label: "v")
        for (positions, count) in [(0, 3), (4, 0)] {
            try cpu.kvCopy(KVCopyOp(cache: Self.cache, positions: positions, sourceSlot: 0, firstTarget: 1,
                                    targetCount: count), kCache: kCache, vCache: vCache)
        }
        let overlapping = KVCopyOp(cache: Self.cache, positions: 4, sourceSlot: 2, firstTarget: 1, targetCount: 3)
        let error = #expect(throws: KernelError.self) { try cpu.kvCopy(overlapping, kCache: kCache, vCache: vCache) }
        #expect(error == .invalidShape(op: "kv_copy", detail: "target slots 1..<4 contain the sourceSlot 2"))
        let short = try cpu.makeBuffer(byteCount: Self.cache.bytes - 4, label: "short")
        #expect(throws: KernelError.bufferTooSmall(op: "kv_copy", operand: "vCache", neededBytes: Self.cache.bytes,
                                                   actualBytes: Self.cache.bytes - 4)) {
            try cpu.kvCopy(KVCopyOp(cache: Self.cache, positions: 4, sourceSlot: 0, firstTarget: 1, targetCount: 1),
                           kCache: kCache, vCache: short)
        }
        #expect(bits(try cpu.read(kCache, count: k.count)) == bits(k))
        #expect(bits(try cpu.read(vCache, count: v.count)) == bits(v))
    }
}
