import Kernels
import KernelsCPU
import Testing

/// norm_matmul's bad inputs: each a `KernelError` naming the op and the operand or value that is wrong.
@Suite struct NormMatmulTests {
    func failure(_ op: NormMatmulOp, normWeightCount: Int = 8) throws -> String {
        let cpu = CPUBackend(threads: 1)
        let x = try cpu.makeBuffer([Float](repeating: 1, count: 2 * 8), label: "x")
        let norm = try cpu.makeBuffer([Float](repeating: 1, count: normWeightCount), label: "normWeight")
        let normed = try cpu.makeBuffer(byteCount: 4 * 2 * 8, label: "normed")
        let weights = try cpu.makeBuffer([Float](repeating: 1, count: 3 * 8), label: "weights")
        let y = try cpu.makeBuffer(byteCount: 4 * 2 * 3, label: "y")
        do {
            try cpu.normMatmul(op, x: x, normWeight: norm, normed: normed, weights: weights, y: y)
        } catch let error as KernelError {
            return error.description
        }
        Issue.record("no error")
        return ""
    }

    @Test func anInputOffsetIsAnError() throws {
        var op = NormMatmulOp(rows: 1, k: 8, n: 3, weightType: .f32, eps: 1e-5)
        op.matmul.xOffset = 8
        let message = try failure(op)
        #expect(message.contains("norm_matmul") && message.contains("xOffset must be 0"), "\(message)")
    }

    @Test func aShortNormWeightIsAnError() throws {
        let message = try failure(NormMatmulOp(rows: 2, k: 8, n: 3, weightType: .f32, eps: 1e-5), normWeightCount: 7)
        #expect(message.contains("norm_matmul: buffer 'normWeight' holds 28 bytes"), "\(message)")
    }

    @Test func moreRowsThanTheInputHoldsIsAnError() throws {
        let message = try failure(NormMatmulOp(rows: 3, k: 8, n: 3, weightType: .f32, eps: 1e-5))
        #expect(message.contains("norm_matmul: buffer 'x' holds 64 bytes but the op needs 96"), "\(message)")
    }
}
