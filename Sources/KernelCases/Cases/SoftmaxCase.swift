import Kernels

/// Row-wise softmax or log-softmax of x[rows, width]. Named `softmax_<rows>x<width>` / `log_softmax_<rows>x<width>`
/// (the width alone for one row). Logits span ±12, like a model's, so the max subtraction matters.
public struct SoftmaxCase: KernelCase {
    public var op: SoftmaxOp

    public init(rows: Int, width: Int, log: Bool = false) { op = SoftmaxOp(rows: rows, width: width, log: log) }

    public var kernel: KernelName { op.log ? .logSoftmax : .softmax }
    public var name: String { "\(kernel.rawValue)_\(op.rows == 1 ? "\(op.width)" : "\(op.rows)x\(op.width)")" }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 5 * Double(op.rows * op.width) }
    public var bytes: Double { Double(8 * op.rows * op.width) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.floats(op.rows * op.width, -12, 12)   // [rows, width] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let out = try backend.makeBuffer(byteCount: 4 * x.count, label: "out")   // [rows, width] f32
        return PreparedCase(
            issue: { try backend.softmax(op, x: xBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: x.count))]) })
    }
}
