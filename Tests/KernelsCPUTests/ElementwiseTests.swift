import TestSupport
import Kernels
import KernelsCPU
import KernelsReference
import Testing

/// Element-wise and normalisation ops against the reference (NMSE ≤ 1e-7), on odd widths.
@Suite struct ElementwiseTests {
    static let ceiling = ToleranceClass.elementwise.nmseCeiling
    static let widths = [1, 15, 17, 576, 1000]

    @Test(arguments: widths)
    func rmsnorm(width: Int) throws {
        var rng = SeededRandom(seed: UInt64(width))
        let rows = 5
        let x = rng.floats(rows * width, scale: 4), weight = rng.floats(width, scale: 2)
        let op = RMSNormOp(rows: rows, width: width, eps: 1e-5)
        let error = nmse(try Reference.rmsnorm(op, x: x, weight: weight), try CPUBackend().runRMSNorm(op, x: x, weight: weight))
        #expect(error <= Self.ceiling, "width \(width): NMSE \(error)")
    }

    /// A row normalised alone and at every position of a batch big enough to be split over workers: same bits.
    @Test func rmsnormRowIsBitIdenticalAloneAndInABatch() throws {
        var rng = SeededRandom(seed: 12)
        let width = 576, rows = 70
        let row = rng.floats(width, scale: 3), weight = rng.floats(width)
        let cpu = CPUBackend(threads: 2)
        let alone = try cpu.runRMSNorm(RMSNormOp(rows: 1, width: width, eps: 1e-5), x: row, weight: weight)
        for position in [0, 1, 33, 69] {
            var batch = rng.floats(rows * width, scale: 10)
            batch.replaceSubrange(position * width ..< (position + 1) * width, with: row)
            let out = try cpu.runRMSNorm(RMSNormOp(rows: rows, width: width, eps: 1e-5), x: batch, weight: weight)
            #expect(bits(Array(out[position * width ..< (position + 1) * width])) == bits(alone), "row \(position)")
        }
    }

    @Test func rmsnormInPlaceEqualsOutOfPlace() throws {
        var rng = SeededRandom(seed: 3)
        let op = RMSNormOp(rows: 3, width: 100, eps: 1e-6)
        let x = rng.floats(300), weight = rng.floats(100)
        let cpu = CPUBackend()
        let separate = try cpu.runRMSNorm(op, x: x, weight: weight)
        let buffer = try cpu.makeBuffer(x, label: "x")
        try cpu.rmsnorm(op, x: buffer, weight: cpu.makeBuffer(weight, label: "w"), out: buffer)
        #expect(bits(try cpu.read(buffer, count: 300)) == bits(separate))
    }

    @Test(arguments: [(64, 64, 0), (64, 32, 0), (10, 10, 3)])
    func rope(headDim: Int, nRot: Int, headOffset: Int) throws {
        var rng = SeededRandom(seed: UInt64(headDim + nRot))
        let rows = 4, nHeads = 3
        let op = RopeOp(rows: rows, nHeads: nHeads, headDim: headDim, nRot: nRot,
                        rowStride: headOffset + nHeads * headDim + 5, headOffset: headOffset, freqBase: 10000, freqScale: 0.5)
        let x = rng.floats(rows * op.rowStride)
        let positions: [Int32] = [0, 1, 917, 8191]
        var expected = x
        try Reference.rope(op, x: &expected, positions: positions)
        let cpu = CPUBackend()
        let buffer = try cpu.makeBuffer(x, label: "x")
        try cpu.rope(op, x: buffer, positions: cpu.makeBuffer(positions, label: "pos"))
        let got: [Float] = try cpu.read(buffer, count: x.count)
        let error = nmse(expected, got)
        #expect(error <= Self.ceiling, "NMSE \(error)")
        // Values outside the rotated dims are untouched bit for bit.
        for r in 0..<rows {
            for i in 0..<headOffset { #expect(got[r * op.rowStride + i] == x[r * op.rowStride + i]) }
        }
    }

    @Test func swiglu() throws {
        var rng = SeededRandom(seed: 11)
        let count = 40_000   // large enough to be split over workers
        let gate = rng.floats(count, scale: 8), up = rng.floats(count, scale: 3)
        let cpu = CPUBackend()
        let out = try cpu.makeBuffer(byteCount: 4 * count, label: "out")
        try cpu.swiglu(SwigluOp(count: count), gate: cpu.makeBuffer(gate, label: "g"), up: cpu.makeBuffer(up, label: "u"), out: out)
        let error = nmse(try Reference.swiglu(SwigluOp(count: count), gate: gate, up: up), try cpu.read(out, count: count))
        #expect(error <= Self.ceiling, "NMSE \(error)")
    }

    @Test(arguments: [false, true])
    func softmax(log: Bool) throws {
        var rng = SeededRandom(seed: log ? 1 : 2)
        for width in [1, 7, 49_157] {
            let rows = 3
            let x = rng.floats(rows * width, scale: 20)
            let op = SoftmaxOp(rows: rows, width: width, log: log)
            let cpu = CPUBackend()
            let buffer = try cpu.makeBuffer(x, label: "x")
            try cpu.softmax(op, x: buffer, out: buffer)   // in place
            let error = nmse(try Reference.softmax(op, x: x), try cpu.read(buffer, count: x.count))
            #expect(error <= Self.ceiling, "width \(width): NMSE \(error)")
        }
    }

    @Test(arguments: DType.allCases)
    func embed(type: DType) throws {
        var rng = SeededRandom(seed: 21 &+ UInt64(type.rawValue))
        let width = type.wholeBlocks(atLeast: 96), vocab = 13
        let table = rng.weights(type, n: vocab, k: width)
        let ids: [Int32] = [0, 12, 5, 5, 7]
        let op = EmbedOp(rows: ids.count, width: width, vocab: vocab, tableType: type)
        let cpu = CPUBackend()
        let out = try cpu.makeBuffer(byteCount: 4 * ids.count * width, label: "out")
        try cpu.embed(op, ids: cpu.makeBuffer(ids, label: "ids"), table: cpu.makeBuffer(table, label: "table"), out: out)
        // Dequantization is exact arithmetic on both sides: bit-identical.
        #expect(bits(try cpu.read(out, count: ids.count * width)) == bits(try Reference.embed(op, ids: ids, table: table)))
        #expect(throws: KernelError.self) {
            try cpu.embed(EmbedOp(rows: 1, width: width, vocab: vocab, tableType: type), ids: cpu.makeBuffer([Int32(13)], label: "ids"),
                          table: cpu.makeBuffer(table, label: "table"), out: out)
        }
    }

    @Test func kvStoreWritesRowsAtTheirSlotsAndPositions() throws {
        var rng = SeededRandom(seed: 31)
        let cache = KVCacheShape(slots: 2, ctx: 5, nKVHeads: 2, headDim: 3)
        let rowStride = 3 * cache.kvWidth   // fused QKV rows: q, k, v side by side
        let op = KVStoreOp(rows: 3, cache: cache, rowStride: rowStride, kOffset: cache.kvWidth, vOffset: 2 * cache.kvWidth)
        let qkv = rng.floats(3 * rowStride)
        let slots: [Int32] = [1, 0, 1], positions: [Int32] = [4, 0, 2]
        var kExpected = rng.floats(cache.bytes / 4), vExpected = rng.floats(cache.bytes / 4)
        let cpu = CPUBackend()
        let kCache = try cpu.makeBuffer(kExpected, label: "k"), vCache = try cpu.makeBuffer(vExpected, label: "v")
        let placement = RowPlacement(slots: try cpu.makeBuffer(slots, label: "s"), positions: try cpu.makeBuffer(positions, label: "p"))
        let source = try cpu.makeBuffer(qkv, label: "qkv")
        try cpu.kvStore(op, k: source, v: source, kCache: kCache, vCache: vCache, rows: placement)
        try Reference.kvStore(op, k: qkv, v: qkv, kCache: &kExpected, vCache: &vExpected, slots: slots, positions: positions)
        #expect(try cpu.read(kCache, as: Float.self, count: kExpected.count) == kExpected)
        #expect(try cpu.read(vCache, as: Float.self, count: vExpected.count) == vExpected)

        let badPlacement = RowPlacement(slots: try cpu.makeBuffer([Int32(0), 0, 2], label: "s"), positions: placement.positions)
        #expect(throws: KernelError.self) {
            try cpu.kvStore(op, k: source, v: source, kCache: kCache, vCache: vCache, rows: badPlacement)
        }
    }
}
