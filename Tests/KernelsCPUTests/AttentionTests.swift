import TestSupport
import Kernels
import KernelsCPU
import KernelsReference
import Testing

/// Attention against the reference (NMSE ≤ 1e-6) for decode and prefill shapes, and its batch invariance.
@Suite struct AttentionTests {
    struct Case: Sendable, CustomStringConvertible {
        let nHeads: Int, nKVHeads: Int, headDim: Int, ctx: Int
        var description: String { "heads \(nHeads)/\(nKVHeads) dim \(headDim) ctx \(ctx)" }
    }
    static let cases = [Case(nHeads: 9, nKVHeads: 3, headDim: 64, ctx: 70), Case(nHeads: 4, nKVHeads: 4, headDim: 17, ctx: 9),
                        Case(nHeads: 2, nKVHeads: 1, headDim: 8, ctx: 300)]

    static func inputs(_ c: Case, slots: Int, seed: UInt64) -> (k: [Float], v: [Float], rng: SeededRandom) {
        var rng = SeededRandom(seed: seed)
        let count = slots * c.ctx * c.nKVHeads * c.headDim
        return (rng.floats(count, scale: 2), rng.floats(count), rng)
    }

    @Test(arguments: cases)
    func matchesReference(c: Case) throws {
        let (k, v, seeded) = Self.inputs(c, slots: 2, seed: UInt64(c.ctx))
        var rng = seeded
        let cache = KVCacheShape(slots: 2, ctx: c.ctx, nKVHeads: c.nKVHeads, headDim: c.headDim)
        // A prefill block of slot 0 (positions 0...4), one decode row of slot 1 at the last position, one mid-context.
        let slots: [Int32] = [0, 0, 0, 0, 0, 1, 1]
        let positions: [Int32] = [0, 1, 2, 3, 4, Int32(c.ctx - 1), Int32(c.ctx / 2)]
        let op = AttentionOp(rows: slots.count, nHeads: c.nHeads, cache: cache)
        let q = rng.floats(slots.count * op.outWidth, scale: 2)
        let expected = try Reference.attention(op, q: q, kCache: k, vCache: v, slots: slots, positions: positions)
        let got = try CPUBackend().runAttention(op, q: q, kCache: k, vCache: v, slots: slots, positions: positions)
        let error = nmse(expected, got)
        #expect(error <= ToleranceClass.reduction.nmseCeiling, "\(c): NMSE \(error)")
    }

    /// A decode row alone and the same row inside a mixed prefill/decode batch give the same bits.
    @Test func decodeRowIsBitIdenticalAloneAndInABatch() throws {
        let c = Self.cases[0]
        let (k, v, seeded) = Self.inputs(c, slots: 3, seed: 99)
        var rng = seeded
        let cache = KVCacheShape(slots: 3, ctx: c.ctx, nKVHeads: c.nKVHeads, headDim: c.headDim)
        let width = c.nHeads * c.headDim
        let row = rng.floats(width)
        let cpu = CPUBackend()
        let alone = try cpu.runAttention(AttentionOp(rows: 1, nHeads: c.nHeads, cache: cache), q: row, kCache: k, vCache: v,
                                         slots: [2], positions: [41])
        let others = rng.floats(4 * width)
        let batch = Array(others[..<(2 * width)]) + row + Array(others[(2 * width)...])
        let out = try cpu.runAttention(AttentionOp(rows: 5, nHeads: c.nHeads, cache: cache), q: batch, kCache: k, vCache: v,
                                       slots: [0, 0, 2, 1, 1], positions: [10, 11, 41, 3, 69])
        #expect(bits(Array(out[(2 * width) ..< (3 * width)])) == bits(alone))
    }

    @Test func queryOffsetAndStrideReadFusedRows() throws {
        let cache = KVCacheShape(slots: 1, ctx: 6, nKVHeads: 1, headDim: 4)
        var rng = SeededRandom(seed: 5)
        let k = rng.floats(24), v = rng.floats(24)
        let q = rng.floats(2 * 8)
        let plain = AttentionOp(rows: 2, nHeads: 2, cache: cache)
        // The same queries inside rows of 13 floats starting at offset 2.
        var fused = [Float](repeating: 9, count: 2 + 2 * 13)
        fused.replaceSubrange(2 ..< 10, with: q[0..<8])
        fused.replaceSubrange(15 ..< 23, with: q[8..<16])
        let strided = AttentionOp(rows: 2, nHeads: 2, cache: cache, qRowStride: 13, qOffset: 2)
        let cpu = CPUBackend()
        let a = try cpu.runAttention(plain, q: q, kCache: k, vCache: v, slots: [0, 0], positions: [5, 2])
        let b = try cpu.runAttention(strided, q: fused, kCache: k, vCache: v, slots: [0, 0], positions: [5, 2])
        #expect(bits(a) == bits(b))
    }

    @Test func positionsOutsideTheCacheAreErrors() throws {
        let cache = KVCacheShape(slots: 1, ctx: 4, nKVHeads: 1, headDim: 4)
        let op = AttentionOp(rows: 1, nHeads: 1, cache: cache)
        let zeros = [Float](repeating: 0, count: 16)
        #expect(throws: KernelError.self) {
            try CPUBackend().runAttention(op, q: [1, 0, 0, 0], kCache: zeros, vCache: zeros, slots: [0], positions: [4])
        }
        #expect(throws: KernelError.self) {
            try CPUBackend().runAttention(op, q: [1, 0, 0, 0], kCache: zeros, vCache: zeros, slots: [1], positions: [0])
        }
    }
}
