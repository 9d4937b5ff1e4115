import Kernels

/// out = act(gate) · up (silu, or tanh-GELU: `swiglu_gelu_...`). Flat (`swiglu_<count>`: separate gate and up
/// buffers) or in row form over one stacked projection (`swiglu_stacked_<rows>x<width>`: gate and up the two halves
/// of each row of one buffer, as the model runs it). Gates span ±8 so both tails of the sigmoid (and of tanh) are
/// exercised.
public struct SwigluCase: KernelCase {
    public var op: SwigluOp
    /// Gate and up live in one buffer, rows [gate | up].
    public var stacked: Bool

    public init(count: Int, activation: GatedActivation = .silu) {
        op = SwigluOp(count: count, activation: activation); stacked = false
    }
    public init(stackedRows rows: Int, width: Int, activation: GatedActivation = .silu) {
        op = SwigluOp(rows: rows, width: width, stride: 2 * width, upOffset: width, activation: activation)
        stacked = true
    }

    public var kernel: KernelName { .swiglu }
    public var name: String {
        let activation = op.activation == .geluTanh ? "_gelu" : ""
        return stacked ? "swiglu\(activation)_stacked_\(op.rows)x\(op.width)" : "swiglu\(activation)_\(op.count)"
    }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 6 * Double(op.count) }
    public var bytes: Double { Double(12 * op.count) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let out = try backend.makeBuffer(byteCount: 4 * op.count, label: "out")   // [rows, width] f32
        let gateBuffer: B.Buffer, upBuffer: B.Buffer
        if stacked {
            var rows: [Float] = []   // [rows, 2·width] f32: gate | up
            for _ in 0..<op.rows { rows += random.floats(op.width, -8, 8) + random.floats(op.width, -2, 2) }
            gateBuffer = try backend.makeBuffer(rows, label: "gate_up")
            upBuffer = gateBuffer
        } else {
            gateBuffer = try backend.makeBuffer(random.floats(op.count, -8, 8), label: "gate")   // [count] f32
            upBuffer = try backend.makeBuffer(random.floats(op.count, -2, 2), label: "up")       // [count] f32
        }
        return PreparedCase(
            issue: { try backend.swiglu(op, gate: gateBuffer, up: upBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: op.count))]) })
    }
}
