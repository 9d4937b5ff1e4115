import Kernels

/// A matmul with quantized weights in `Precision.q8`: the same op and inputs as `MatmulCase`, named
/// `matvec_q8_<dtype>_<k>x<n>` / `matmul_q8_<dtype>_<rows>x<k>x<n>`, run on backends made with `precision: .q8`
/// (the CPU backend against `ReferenceBackend(precision: .q8)`). The case itself cannot set a backend's precision;
/// on an f32 backend it measures the f32 path.
///
/// Tolerance `.reduction` (NMSE 1e-6): quantization is the same on both sides (the reference rounds x exactly as
/// the kernel does), so only the f32 scaling and summing order differ from the f64 reference. Measured NMSE is printed
/// by `Q8MatmulTests` (about 1e-13 to 1e-14 at k = 576 and 1536).
public struct Q8MatmulCase: KernelCase {
    public var matmul: MatmulCase

    public init(rows: Int, k: Int, n: Int, dtype: DType) {
        precondition(dtype.isQuantized, "Q8MatmulCase needs quantized weights, got \(dtype)")
        matmul = MatmulCase(rows: rows, k: k, n: n, dtype: dtype)
    }

    public var kernel: KernelName { matmul.kernel }
    public var name: String {
        let op = matmul.op
        let shape = op.rows == 1 ? "\(op.k)x\(op.n)" : "\(op.rows)x\(op.k)x\(op.n)"
        return "\(kernel.rawValue)_q8_\(op.weightType)_\(shape)"
    }
    public var tolerance: ToleranceClass { .reduction }
    public var flops: Double { matmul.flops }
    public var bytes: Double { Double(matmul.op.weightBytes + matmul.op.rows * (matmul.op.k + 4 * matmul.op.n)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        // Inputs drawn from this case's own name, so they differ from the f32 case of the same shape.
        try MatmulCase.prepare(matmul.op, inputs: seededInputs, on: backend)
    }
}
