import Kernels

/// y[rows, n] = x[rows, k] · Wᵀ with W [n, k] in `dtype`. Named `matvec_<dtype>_<k>x<n>` for one row and
/// `matmul_<dtype>_<rows>x<k>x<n>` otherwise; with offsets, x and y sit inside larger buffers (as Q, K and V of one
/// fused projection do) and the variant gains `_offsets`.
public struct MatmulCase: KernelCase {
    public var op: MatmulOp

    public init(rows: Int, k: Int, n: Int, dtype: DType, xOffset: Int = 0, yOffset: Int = 0) {
        op = MatmulOp(rows: rows, k: k, n: n, weightType: dtype, xOffset: xOffset, yOffset: yOffset)
    }

    public var kernel: KernelName { op.rows == 1 ? .matvec : .matmul }
    public var name: String {
        let offsets = op.xOffset != 0 || op.yOffset != 0 ? "_offsets" : ""
        let shape = op.rows == 1 ? "\(op.k)x\(op.n)" : "\(op.rows)x\(op.k)x\(op.n)"
        return "\(kernel.rawValue)_\(op.weightType)\(offsets)_\(shape)"
    }
    /// Quantized weights are dequantized exactly into f32, so every weight type is an f32 reduction.
    public var tolerance: ToleranceClass { .reduction }
    public var flops: Double { op.flops }
    public var bytes: Double { Double(op.weightBytes + 4 * op.rows * (op.k + op.n)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        try Self.prepare(op, inputs: seededInputs, on: backend)
    }

    /// Random weights, x and a noisy y for `op`, drawn from `inputs`, on `backend`.
    static func prepare<B: ComputeBackend>(_ op: MatmulOp, inputs: SplitMix64, on backend: B) throws -> PreparedCase {
        var random = inputs
        let weights = random.weights(op.weightType, rows: op.n, k: op.k)   // [n, k] in weightType
        let x = random.floats(op.xOffset + op.rows * op.k)                  // [xOffset + rows * k] f32
        // y starts as noise so a kernel that skips an element, or writes outside its range, shows up.
        let yStart = random.floats(op.yOffset + op.rows * op.n + 3)         // [yOffset + rows * n + 3] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let weightBuffer = try backend.makeBuffer(weights, label: "weights")
        let yBuffer = try backend.makeBuffer(yStart, label: "y")
        return PreparedCase(
            issue: { try backend.matmul(op, x: xBuffer, weights: weightBuffer, y: yBuffer) },
            readOutputs: { CaseOutput([.floats("y", try backend.read(yBuffer, count: yStart.count))]) })
    }
}
