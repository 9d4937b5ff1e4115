import Kernels

/// out[rows, width] = x / sqrt(mean(x²) + eps) · weight. Named `rmsnorm_<rows>x<width>` (`rmsnorm_<width>` for one
/// row); the `inplace` variant writes over x, which the op allows and the forward pass relies on.
public struct RMSNormCase: KernelCase {
    public var op: RMSNormOp
    public var inPlace: Bool

    public init(rows: Int, width: Int, inPlace: Bool = false, eps: Float = 1e-5) {
        op = RMSNormOp(rows: rows, width: width, eps: eps)
        self.inPlace = inPlace
    }

    public var kernel: KernelName { .rmsnorm }
    public var name: String {
        "rmsnorm\(inPlace ? "_inplace" : "")_\(op.rows == 1 ? "\(op.width)" : "\(op.rows)x\(op.width)")"
    }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 4 * Double(op.rows * op.width) }
    public var bytes: Double { Double(4 * (2 * op.rows * op.width + op.width)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.floats(op.rows * op.width, -3, 3)            // [rows, width] f32
        let weight = random.floats(op.width, 0.5, 1.5)              // [width] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let weightBuffer = try backend.makeBuffer(weight, label: "weight")
        let out = inPlace ? xBuffer : try backend.makeBuffer(byteCount: 4 * x.count, label: "out")
        return PreparedCase(
            issue: { try backend.rmsnorm(op, x: xBuffer, weight: weightBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: x.count))]) })
    }
}
