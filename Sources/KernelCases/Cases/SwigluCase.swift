import Kernels

/// out[count] = silu(gate) · up. Named `swiglu_<count>`; gates span ±8 so both tails of the sigmoid are exercised.
public struct SwigluCase: KernelCase {
    public var op: SwigluOp

    public init(count: Int) { op = SwigluOp(count: count) }

    public var kernel: KernelName { .swiglu }
    public var name: String { "swiglu_\(op.count)" }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 6 * Double(op.count) }
    public var bytes: Double { Double(12 * op.count) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let gate = random.floats(op.count, -8, 8)   // [count] f32
        let up = random.floats(op.count, -2, 2)     // [count] f32
        let gateBuffer = try backend.makeBuffer(gate, label: "gate")
        let upBuffer = try backend.makeBuffer(up, label: "up")
        let out = try backend.makeBuffer(byteCount: 4 * op.count, label: "out")   // [count] f32
        return PreparedCase(
            issue: { try backend.swiglu(op, gate: gateBuffer, up: upBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: op.count))]) })
    }
}
