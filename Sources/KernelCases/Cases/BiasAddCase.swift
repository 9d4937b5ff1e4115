import Kernels

/// x += bias per row, in place (`BiasAddOp`). Named `bias_add_<rows>x<width>` (rows of the bias's width) or
/// `bias_add_qkv_<rows>x<width>` (the bias on a part of fused QKV rows, between untouched floats that must stay).
public struct BiasAddCase: KernelCase {
    public var op: BiasAddOp

    public init(rows: Int, width: Int) { op = BiasAddOp(rows: rows, width: width) }

    /// A bias on the floats [offset, offset + width) of rows of `rowStride` floats.
    public init(qkvRows rows: Int, width: Int, rowStride: Int, offset: Int) {
        op = BiasAddOp(rows: rows, width: width, rowStride: rowStride, offset: offset)
    }

    private var isFused: Bool { op.rowStride != op.width }
    public var kernel: KernelName { .biasAdd }
    public var name: String { "bias_add\(isFused ? "_qkv" : "")_\(op.rows)x\(op.width)" }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { Double(op.rows * op.width) }
    public var bytes: Double { Double(8 * op.rows * op.width + 4 * op.width) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.floats(op.rows * op.rowStride)                       // [rows, rowStride] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let bias = try backend.makeBuffer(random.floats(op.width), label: "bias")   // [width] f32
        return PreparedCase(
            issue: { try backend.biasAdd(op, x: xBuffer, bias: bias) },
            readOutputs: { CaseOutput([.floats("x", try backend.read(xBuffer, count: x.count))]) })
    }
}
