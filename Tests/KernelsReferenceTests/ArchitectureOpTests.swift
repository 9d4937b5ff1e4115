import Foundation
import Kernels
import KernelsReference
import Testing

/// The options the newer architectures need, worked out by hand on the reference: NEOX RoPE and frequency factors,
/// tanh-GELU, sliding-window attention, the embedding scale and the bias add.
@Suite struct ArchitectureOpTests {
    static func close(_ a: [Float], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance }
    }

    @Test func neoxRopePairsEachDimWithTheOneHalfTheRotatedPartAway() throws {
        // headDim 6, nRot 4, position 2: pair 0 is dims (0, 2) turning by 2, pair 1 dims (1, 3) by 2·10000^(−1/2).
        let op = RopeOp(rows: 1, nHeads: 1, headDim: 6, nRot: 4, freqBase: 10000, style: .neox)
        var x: [Float] = [1, 0, 0, 1, 7, 8]
        try Reference.rope(op, x: &x, positions: [2])
        #expect(Self.close(x, [cos(2), -sin(0.02), sin(2), cos(0.02), 7, 8]))
    }

    @Test func frequencyFactorsDivideEachPairsAngle() throws {
        // Position 4: pair 0 turns by 4 / 2, pair 1 by 4·0.01 / 0.5.
        let op = RopeOp(rows: 1, nHeads: 1, headDim: 4, freqBase: 10000)
        var x: [Float] = [1, 0, 0, 1]
        try Reference.rope(op, x: &x, positions: [4], freqFactors: [2, 0.5])
        #expect(Self.close(x, [cos(2), sin(2), -sin(0.08), cos(0.08)]))
        #expect(throws: KernelError.self) { try Reference.rope(op, x: &x, positions: [4], freqFactors: [2]) }
    }

    @Test func ropeStoreRotatesQueriesAndCachedKeysInTheNeoxStyleWithFactors() throws {
        let cache = KVCacheShape(slots: 1, ctx: 2, nKVHeads: 1, headDim: 4)
        let op = RopeStoreOp(rows: 1, nHeads: 1, cache: cache, freqBase: 10000, style: .neox)
        var q: [Float] = [1, 0, 0, 1]
        var kCache = [Float](repeating: 9, count: 8), vCache = [Float](repeating: 9, count: 8)
        try Reference.ropeStore(op, q: &q, k: [0, 1, 1, 0], v: [5, 6, 7, 8], kCache: &kCache, vCache: &vCache,
                                slots: [0], positions: [1], freqFactors: [0.5, 1])
        // Pair 0 = dims (0, 2) turns by 1 / 0.5 = 2, pair 1 = dims (1, 3) by 0.01.
        #expect(Self.close(q, [cos(2), -sin(0.01), sin(2), cos(0.01)]))
        #expect(Self.close(Array(kCache[4..<8]), [-sin(2), cos(0.01), cos(2), sin(0.01)]))
        #expect(Array(kCache[0..<4]) == [9, 9, 9, 9] && Array(vCache[4..<8]) == [5, 6, 7, 8])
    }

    @Test func geluTanhGatesMatchPublishedValues() throws {
        // PyTorch's gelu(x, approximate="tanh"): 0.8411919906 at 1, -0.0454023059 at -2; -8 is all but 0.
        let op = SwigluOp(count: 3, activation: .geluTanh)
        let out = try Reference.swiglu(op, gate: [1, -2, -8], up: [2, 3, 1])
        #expect(Self.close(out, [2 * 0.8411919906, 3 * -0.0454023059, 0], 1e-7))
    }

    @Test func aSlidingWindowHidesKeysAtOrPastItsLength() throws {
        // ctx 3, window 2: the query at position 2 sees positions 1 and 2 only, not position 0's dominant key.
        let cache = KVCacheShape(slots: 1, ctx: 3, nKVHeads: 1, headDim: 2)
        let kCache: [Float] = [100, 0,  0, 0,  Float(log(3.0)), 0]
        let vCache: [Float] = [1000, 1000,  4, 0,  0, 8]
        let windowed = AttentionOp(rows: 1, nHeads: 1, cache: cache, scale: 1, window: 2)
        let out = try Reference.attention(windowed, q: [1, 0], kCache: kCache, vCache: vCache, slots: [0], positions: [2])
        #expect(Self.close(out, [1, 6]))
        // A window as long as the context changes nothing; a negative one is an error.
        let full = AttentionOp(rows: 1, nHeads: 1, cache: cache, scale: 1)
        let wide = AttentionOp(rows: 1, nHeads: 1, cache: cache, scale: 1, window: 3)
        #expect(try Reference.attention(wide, q: [1, 0], kCache: kCache, vCache: vCache, slots: [0], positions: [2])
                == Reference.attention(full, q: [1, 0], kCache: kCache, vCache: vCache, slots: [0], positions: [2]))
        #expect(throws: KernelError.self) {
            try Reference.attention(AttentionOp(rows: 1, nHeads: 1, cache: cache, window: -1), q: [1, 0],
                                    kCache: kCache, vCache: vCache, slots: [0], positions: [2])
        }
    }

    @Test func embedMultipliesTheDequantizedRowByItsScale() throws {
        // One q8_0 row: d = 0.5 (half 0x3800), q = 0 ... 31, scale 2 → 0 ... 31.
        let block: [UInt8] = [0x00, 0x38] + (0..<32).map { UInt8($0) }
        let op = EmbedOp(rows: 1, width: 32, vocab: 1, tableType: .q8_0, scale: 2)
        #expect(try Reference.embed(op, ids: [0], table: block) == (0..<32).map { Float($0) })
        #expect(throws: KernelError.self) {
            try Reference.embed(EmbedOp(rows: 1, width: 32, vocab: 1, tableType: .q8_0, scale: .infinity), ids: [0],
                                table: block)
        }
    }

    @Test func biasAddTouchesOnlyItsColumnsOfEachRow() throws {
        var x: [Float] = [1, 2, 3,  4, 5, 6]
        try Reference.biasAdd(BiasAddOp(rows: 2, width: 2, rowStride: 3, offset: 1), x: &x, bias: [10, 20])
        #expect(x == [1, 12, 23, 4, 15, 26])
        #expect(throws: KernelError.self) {
            try Reference.biasAdd(BiasAddOp(rows: 2, width: 2, rowStride: 3, offset: 2), x: &x, bias: [10, 20])
        }
    }
}
