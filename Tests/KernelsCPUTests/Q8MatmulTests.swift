import Kernels
import KernelsCPU
import KernelsReference
import TestSupport
import Testing

/// The q8 integer kernels: batch invariance, agreement of every ISA variant with the scalar C variant, and the
/// quantizer against the reference's.
@Suite struct Q8MatmulTests {
    static let types: [DType] = [.q4_1, .q4_0, .q8_0, .q5_0]

    /// A row alone and at every position of a 7-row batch gives the same bits.
    @Test(arguments: types, [576, 1536])
    func rowIsBitIdenticalAloneAndInAnyBatchPosition(type: DType, k: Int) throws {
        let n = 41
        var rng = SeededRandom(seed: 91 &+ UInt64(type.rawValue) &+ UInt64(k))
        let w = rng.weights(type, n: n, k: k)
        let row = rng.floats(k)
        let cpu = CPUBackend(threads: 2, precision: .q8)
        let alone = try cpu.runMatmul(MatmulOp(rows: 1, k: k, n: n, weightType: type), x: row, weights: w)
        for position in 0..<7 {
            var batch = rng.floats(7 * k, scale: 3)
            batch.replaceSubrange(position * k ..< (position + 1) * k, with: row)
            let y = try cpu.runMatmul(MatmulOp(rows: 7, k: k, n: n, weightType: type), x: batch, weights: w)
            #expect(bits(Array(y[position * n ..< (position + 1) * n])) == bits(alone), "\(type) k=\(k), row \(position) of 7")
        }
    }

    /// The types without an integer kernel (`DType.hasQ8Kernel` false) run the f32 kernels in q8 mode: the same bits
    /// as an f32 backend, as `Reference.matmulQ8` specifies.
    @Test(arguments: DType.allCases.filter { $0.isQuantized && !$0.hasQ8Kernel })
    func typesWithoutAnIntegerKernelTakeTheF32Kernels(type: DType) throws {
        let k = 512, n = 19, rows = 5
        var rng = SeededRandom(seed: 23 &+ UInt64(type.rawValue))
        let w = rng.weights(type, n: n, k: k), x = rng.floats(rows * k)
        let op = MatmulOp(rows: rows, k: k, n: n, weightType: type)
        let q8 = try CPUBackend(threads: 2, precision: .q8).runMatmul(op, x: x, weights: w)
        #expect(bits(q8) == bits(try CPUBackend(threads: 2).runMatmul(op, x: x, weights: w)))
        #expect(bits(try Reference.matmulQ8(op, x: x, weights: w)) == bits(try Reference.matmul(op, x: x, weights: w)))
    }

    /// Every variant this CPU has gives the scalar variant's bits (they share one reduction order); odd n covers
    /// the single-row tail of the two-row loops, odd block counts (k = 608) the unpaired last block.
    @Test(arguments: types, [576, 608, 1536])
    func everyAvailableVariantMatchesScalarExactly(type: DType, k: Int) throws {
        let n = 37, rows = 6   // a four-row tile and two rows alone
        var rng = SeededRandom(seed: 17 &+ UInt64(type.rawValue) &+ UInt64(k))
        let w = rng.weights(type, n: n, k: k)
        let x = QuantDot.quantize(rng.floats(rows * k, scale: 2), rows: rows, k: k)
        let scalar = QuantDot.matmul(variant: .scalar, type: type, weights: w, n: n, k: k, rows: rows, x: x)
        let available = QuantDot.Variant.allCases.filter(\.isAvailable)
        print("[q8] variants available: \(available.map(\.name)), active: \(QuantDot.activeVariantName)")
        for variant in available {
            let got = QuantDot.matmul(variant: variant, type: type, weights: w, n: n, k: k, rows: rows, x: x)
            #expect(bits(got) == bits(scalar), "\(variant.name) vs scalar, \(type) k=\(k)")
        }
    }

    /// The C quantizer rounds exactly as the reference specifies (q, d and s), zero blocks included.
    @Test func quantizerMatchesTheReference() {
        var rng = SeededRandom(seed: 4242)
        var x = rng.floats(4 * 576, scale: 5)
        x.replaceSubrange(32 ..< 64, with: [Float](repeating: 0, count: 32))   // a block of zeros: d = 0, q = 0
        x[101] = -127; x[100] = 0.5; x[99] = 1.5   // block 3: amax 127 gives d = 1, so 0.5 and 1.5 are ties, rounded to even
        let got = QuantDot.quantize(x, rows: 4, k: 576)
        var want = Reference.Q8Row(q: [], d: [], s: [])
        for r in 0..<4 {
            let row = Reference.quantizeQ8(x[r * 576 ..< (r + 1) * 576])
            want.q += row.q; want.d += row.d; want.s += row.s
        }
        #expect(got.q == want.q)
        #expect(bits(got.d) == bits(want.d))
        #expect(bits(got.s) == bits(want.s))
        #expect(got.d[1] == 0 && got.q[32..<64].allSatisfy { $0 == 0 })
        #expect(got.d[3] == 1 && got.q[100] == 0 && got.q[99] == 2 && got.q[101] == -127)
    }

    @Test func nameSaysPrecisionAndVariant() {
        #expect(CPUBackend(threads: 2, precision: .q8).name == "cpu (2 threads, SIMD16, q8 \(QuantDot.activeVariantName))")
        #expect(CPUBackend(threads: 1).name == "cpu (1 thread, SIMD16, f32)")
        #expect(CPUBackend(threads: 1, precision: .q8).precision == .q8)
    }
}
