import TestSupport
import Kernels
import KernelsCPU
import KernelsReference
import Testing

/// CPU matmul against the reference for every weight type over odd shapes, plus the batch-invariance contract:
/// a row's output bits do not depend on the other rows of its batch or on where it sits.
@Suite struct MatmulTests {
    static let shapes: [(k: Int, n: Int)] = [32, 96, 576].flatMap { k in [1, 7, 33, 1536].map { (k, $0) } }

    @Test(arguments: DType.allCases, shapes.indices)
    func matchesReference(type: DType, shapeIndex: Int) throws {
        let (k, n) = (type.wholeBlocks(atLeast: Self.shapes[shapeIndex].k), Self.shapes[shapeIndex].n)
        var rng = SeededRandom(seed: UInt64(1000 * k + n) &+ UInt64(type.rawValue))
        let x = rng.floats(5 * k)
        let w = rng.weights(type, n: n, k: k)
        let expected = try Reference.matmul(MatmulOp(rows: 5, k: k, n: n, weightType: type), x: x, weights: w)
        let cpu = CPUBackend()
        for rows in [1, 3, 5] {
            let got = try cpu.runMatmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: Array(x[..<(rows * k)]), weights: w)
            let error = nmse(Array(expected[..<(rows * n)]), got)
            #expect(error <= ToleranceClass.reduction.nmseCeiling, "\(type) k=\(k) n=\(n) rows=\(rows): NMSE \(error)")
        }
    }

    /// The same x row alone (1-row kernel) and at every position of a 9-row batch (4-row tiles + leftovers)
    /// gives bit-identical outputs; the other rows are different data.
    @Test(arguments: DType.allCases)
    func rowIsBitIdenticalAloneAndInAnyBatchPosition(type: DType) throws {
        let k = type.wholeBlocks(atLeast: 96), n = 37
        var rng = SeededRandom(seed: 77 &+ UInt64(type.rawValue))
        let w = rng.weights(type, n: n, k: k)
        let row = rng.floats(k)
        let cpu = CPUBackend()
        let alone = try cpu.runMatmul(MatmulOp(rows: 1, k: k, n: n, weightType: type), x: row, weights: w)
        for position in 0..<9 {
            var batch = rng.floats(9 * k, scale: 3)
            batch.replaceSubrange(position * k ..< (position + 1) * k, with: row)
            let y = try cpu.runMatmul(MatmulOp(rows: 9, k: k, n: n, weightType: type), x: batch, weights: w)
            #expect(bits(Array(y[position * n ..< (position + 1) * n])) == bits(alone), "\(type), row \(position) of 9")
        }
    }

    @Test(arguments: DType.allCases)
    func oneAndTwoThreadsAgreeBitForBit(type: DType) throws {
        let k = type.wholeBlocks(atLeast: 576), n = 1536, rows = 6
        var rng = SeededRandom(seed: 5 &+ UInt64(type.rawValue))
        let x = rng.floats(rows * k), w = rng.weights(type, n: n, k: k)
        let one = try CPUBackend(threads: 1).runMatmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: x, weights: w)
        let two = try CPUBackend(threads: 2).runMatmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: x, weights: w)
        #expect(bits(one) == bits(two))
    }

    @Test func floatRowsNeedNotBeWholeBlocks() throws {
        // f32 and f16 allow any k; the tail past the last 32-block is summed separately.
        for type in [DType.f32, .f16] {
            for k in [1, 17, 45] {
                var rng = SeededRandom(seed: UInt64(k))
                let x = rng.floats(3 * k), w = rng.weights(type, n: 11, k: k)
                let op = MatmulOp(rows: 3, k: k, n: 11, weightType: type)
                let error = nmse(try Reference.matmul(op, x: x, weights: w), try CPUBackend().runMatmul(op, x: x, weights: w))
                #expect(error <= ToleranceClass.reduction.nmseCeiling, "\(type) k=\(k): NMSE \(error)")
            }
        }
    }

    @Test func offsetsReadAndWriteInsideSharedBuffers() throws {
        var rng = SeededRandom(seed: 9)
        let k = 64, n = 5
        let w = rng.weights(.q4_1, n: n, k: k)
        let x = rng.floats(2 * k)
        let op = MatmulOp(rows: 2, k: k, n: n, weightType: .q4_1, xOffset: 3, yOffset: 7)
        let cpu = CPUBackend()
        let plain = try cpu.runMatmul(MatmulOp(rows: 2, k: k, n: n, weightType: .q4_1), x: x, weights: w)
        let shifted = try cpu.runMatmul(op, x: [1, 2, 3] + x, weights: w)
        #expect(bits(plain) == bits(shifted))
    }

    @Test func quantizedRowLengthMustBeWholeBlocks() throws {
        let cpu = CPUBackend()
        #expect(throws: KernelError.self) {
            try cpu.runMatmul(MatmulOp(rows: 1, k: 48, n: 1, weightType: .q8_0), x: [Float](repeating: 0, count: 48),
                              weights: [UInt8](repeating: 0, count: 68))
        }
        #expect(throws: KernelError.self) {
            try cpu.runMatmul(MatmulOp(rows: 2, k: 32, n: 2, weightType: .q4_0), x: [Float](repeating: 0, count: 64),
                              weights: [UInt8](repeating: 0, count: 18))
        }
        // A Gemma width (640) is 20 blocks of 32 but no whole number of 256-weight K blocks.
        #expect(throws: KernelError.self) {
            try cpu.runMatmul(MatmulOp(rows: 1, k: 640, n: 1, weightType: .q4_k), x: [Float](repeating: 0, count: 640),
                              weights: [UInt8](repeating: 0, count: 360))
        }
    }
}
