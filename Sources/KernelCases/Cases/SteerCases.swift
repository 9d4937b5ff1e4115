import KernelABI
import Kernels

/// The fused residual update with steering, x += f(delta) then g(x) (see `SteerScenario` for the inputs). Named
/// `residual_steer_<variant>_<width>x<rows>`, variant = add, units, spherical, delta_units or mixed (a batch mixing
/// unsteered, additive, unit-scaling and Spherical sequences). All but `add` also write and compare the trace rows.
public struct ResidualSteerCase: KernelCase {
    public var variant: SteerScenario.Variant
    public var op: ResidualSteerOp

    public init(_ variant: SteerScenario.Variant, width: Int, rows: Int) {
        self.variant = variant
        op = ResidualSteerOp(rows: rows, width: width)
    }

    private var writesTrace: Bool { variant != .add }
    public var kernel: KernelName { .residualSteer }
    public var name: String { "residual_steer_\(variant.rawValue)_\(op.width)x\(op.rows)" }
    /// The rotation (norms, atan2, cos/sin) is a reduction; the rest is element-wise.
    public var tolerance: ToleranceClass { variant == .spherical || variant == .mixed ? .reduction : .elementwise }
    public var flops: Double { 12 * Double(op.rows * op.width) }
    public var bytes: Double { Double(12 * op.rows * op.width) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let scenario = SteerScenario.make(variant, width: op.width, rows: op.rows, random: &random)
        let tables = try backend.makeSteerTables(scenario.plan)
        let x = try backend.makeBuffer(scenario.x, label: "x")            // [rows, width] f32
        let delta = try backend.makeBuffer(scenario.delta, label: "delta")   // [rows, width] f32
        let traceFloats = op.rows * Int(VEER_TRACE_WIDTH)
        let trace = writesTrace ? try backend.makeBuffer(byteCount: 4 * traceFloats, label: "trace") : nil   // [rows, 4]
        return PreparedCase(
            issue: { try backend.residualSteer(op, x: x, delta: delta, tables: tables, trace: trace) },
            readOutputs: {
                var outputs: [CaseOutput.Tensor] = [.floats("x", try backend.read(x, count: scenario.x.count))]
                if let trace { outputs.append(.floats("trace", try backend.read(trace, count: traceFloats))) }
                return CaseOutput(outputs)
            })
    }
}

/// Attention-head edits before the output projection: x = g(x) with add and unit scaling only. Named
/// `heads_edit_<variant>_<width>x<rows>`, variant = add (per-head slices), units or mixed.
public struct HeadsEditCase: KernelCase {
    public var variant: SteerScenario.HeadsVariant
    public var nHeads: Int, headDim: Int
    public var op: HeadsEditOp

    public init(_ variant: SteerScenario.HeadsVariant, nHeads: Int, headDim: Int, rows: Int) {
        self.variant = variant; self.nHeads = nHeads; self.headDim = headDim
        op = HeadsEditOp(rows: rows, width: nHeads * headDim)
    }

    public var kernel: KernelName { .headsEdit }
    public var name: String { "heads_edit_\(variant.rawValue)_\(op.width)x\(op.rows)" }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 4 * Double(op.rows * op.width) }
    public var bytes: Double { Double(8 * op.rows * op.width) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let scenario = SteerScenario.heads(variant, nHeads: nHeads, headDim: headDim, rows: op.rows, random: &random)
        let tables = try backend.makeSteerTables(scenario.plan, op: "heads_edit", allowSpherical: false)
        let x = try backend.makeBuffer(scenario.x, label: "x")   // [rows, nHeads * headDim] f32
        return PreparedCase(
            issue: { try backend.headsEdit(op, x: x, tables: tables) },
            readOutputs: { CaseOutput([.floats("x", try backend.read(x, count: scenario.x.count))]) })
    }
}
