import TestSupport
import Kernels
import KernelsCPU
import KernelsReference
import Testing

/// argmax, topk and token log-probs: ids exact against the reference, including ties, NaN/inf and zero rows.
@Suite struct SelectTests {
    /// Rows: random; deliberate ties (the max twice, then a run of equal values); all zero; NaN; +inf; -inf;
    /// a row whose max is the last element; a row of -0/+0.
    static func rows(width: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var x = rng.floats(width, scale: 5)
        var ties = rng.floats(width, scale: 1)
        for i in stride(from: 3, to: width, by: 5) { ties[i] = 2 }   // the maximum, many times
        x += ties
        x += [Float](repeating: 0, count: width)
        var nan = rng.floats(width); nan[width / 2] = .nan; x += nan
        var inf = rng.floats(width); inf[width - 1] = .infinity; x += inf
        var minf = rng.floats(width); minf[0] = -.infinity; x += minf
        var last = rng.floats(width); last[width - 1] = 10; x += last
        x += (0..<width).map { $0 % 2 == 0 ? -0.0 : 0.0 }
        return x
    }
    static let rowCount = 8

    @Test(arguments: [16, 33, 1000, 49_152])
    func argmaxMatchesReferenceExactly(width: Int) throws {
        let x = Self.rows(width: width, seed: UInt64(width))
        let op = ArgmaxOp(rows: Self.rowCount, width: width)
        let cpu = CPUBackend()
        let ids = try cpu.makeBuffer(byteCount: 4 * Self.rowCount, label: "ids")
        try cpu.argmax(op, x: cpu.makeBuffer(x, label: "x"), ids: ids)
        let got: [Int32] = try cpu.read(ids, count: Self.rowCount)
        #expect(got == (try Reference.argmax(op, x: x)))
        #expect(got[1] == 3 && got[2] == 0 && got[3] == -1 && got[4] == -1 && got[5] == -1 && got[6] == Int32(width - 1))
    }

    @Test(arguments: [(16, 1), (33, 5), (1000, 40), (49_152, 256), (300, 256)])
    func topkMatchesReferenceExactly(width: Int, k: Int) throws {
        let x = Self.rows(width: width, seed: UInt64(width + k))
        let op = TopKOp(rows: Self.rowCount, width: width, k: k)
        let cpu = CPUBackend()
        let ids = try cpu.makeBuffer(byteCount: 4 * Self.rowCount * k, label: "ids")
        let values = try cpu.makeBuffer(byteCount: 4 * Self.rowCount * k, label: "values")
        try cpu.topk(op, x: cpu.makeBuffer(x, label: "x"), ids: ids, values: values)
        let expected = try Reference.topk(op, x: x)
        #expect(try cpu.read(ids, as: Int32.self, count: Self.rowCount * k) == expected.ids)
        #expect(bits(try cpu.read(values, count: Self.rowCount * k)) == bits(expected.values))
    }

    @Test func topkRejectsKOutOfRange() throws {
        let cpu = CPUBackend()
        let x = try cpu.makeBuffer([Float](repeating: 0, count: 300), label: "x")
        let out = try cpu.makeBuffer(byteCount: 4 * 300, label: "out")
        #expect(throws: KernelError.self) { try cpu.topk(TopKOp(rows: 1, width: 300, k: 257), x: x, ids: out, values: out) }
        #expect(throws: KernelError.self) { try cpu.topk(TopKOp(rows: 1, width: 300, k: 0), x: x, ids: out, values: out) }
    }

    @Test func tokenLogprobsMatchReference() throws {
        var rng = SeededRandom(seed: 4)
        let width = 49_152, rows = 3
        let logits = rng.floats(rows * width, scale: 15)
        let targets: [Int32] = [0, 12345, Int32(width - 1)]
        let op = TokenLogprobsOp(rows: rows, width: width)
        let cpu = CPUBackend()
        let out = try cpu.makeBuffer(byteCount: 4 * rows, label: "out")
        try cpu.tokenLogprobs(op, logits: cpu.makeBuffer(logits, label: "l"), targets: cpu.makeBuffer(targets, label: "t"), out: out)
        let error = nmse(try Reference.tokenLogprobs(op, logits: logits, targets: targets), try cpu.read(out, count: rows))
        #expect(error <= ToleranceClass.elementwise.nmseCeiling, "NMSE \(error)")
        #expect(throws: KernelError.self) {
            try cpu.tokenLogprobs(op, logits: cpu.makeBuffer(logits, label: "l"),
                                  targets: cpu.makeBuffer([Int32(0), -1, 0], label: "t"), out: out)
        }
    }
}
