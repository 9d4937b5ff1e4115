import Kernels

/// y = rmsnorm(x) · Wᵀ, the input norm fused into the matmul (`NormMatmulOp`). Named `norm_matmul_<dtype>_<k>x<n>` for
/// one row (the decode mat-vec, fused on Vulkan) and `norm_matmul_<dtype>_<rows>x<k>x<n>` otherwise. The reference
/// runs the norm and the matmul one after the other.
public struct NormMatmulCase: KernelCase {
    public var op: NormMatmulOp

    public init(rows: Int, k: Int, n: Int, dtype: DType, eps: Float = 1e-5) {
        op = NormMatmulOp(rows: rows, k: k, n: n, weightType: dtype, eps: eps)
    }

    public var kernel: KernelName { .normMatmul }
    public var name: String {
        let m = op.matmul
        return "norm_matmul_\(m.weightType)_\(m.rows == 1 ? "" : "\(m.rows)x")\(m.k)x\(m.n)"
    }
    public var tolerance: ToleranceClass { .reduction }
    public var flops: Double { op.matmul.flops + 4 * Double(op.matmul.rows * op.matmul.k) }
    public var bytes: Double {
        let m = op.matmul
        return Double(m.weightBytes + 4 * (m.rows * (m.k + m.n) + m.k))
    }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let m = op.matmul
        let weights = random.weights(m.weightType, rows: m.n, k: m.k)   // [n, k] in weightType
        let x = random.floats(m.rows * m.k, -3, 3)                      // [rows, k] f32
        let normWeight = random.floats(m.k, 0.5, 1.5)                   // [k] f32
        let yStart = random.floats(m.rows * m.n + 3)                    // [rows * n + 3] f32, noise
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let normBuffer = try backend.makeBuffer(normWeight, label: "normWeight")
        let normed = try backend.makeBuffer(byteCount: 4 * x.count, label: "normed")
        let weightBuffer = try backend.makeBuffer(weights, label: "weights")
        let yBuffer = try backend.makeBuffer(yStart, label: "y")
        return PreparedCase(
            issue: {
                try backend.normMatmul(op, x: xBuffer, normWeight: normBuffer, normed: normed, weights: weightBuffer,
                                       y: yBuffer)
            },
            readOutputs: { CaseOutput([.floats("y", try backend.read(yBuffer, count: yStart.count))]) })
    }
}
