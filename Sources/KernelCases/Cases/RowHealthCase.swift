import Kernels

/// out[rows, 3] = (min, max, nonFinite) of each row of x[rows, width]. Named `row_health_<rows>x<width>` (the width
/// alone for one row). The rows are argmax's awkward kinds (`SplitMix64.selectionRows`): a NaN, ±inf, all zero, all
/// equal, so both ways a row can be degenerate are covered; comparisons and counts only, so exact.
public struct RowHealthCase: KernelCase {
    public var op: RowHealthOp

    public init(rows: Int, width: Int) { op = RowHealthOp(rows: rows, width: width) }

    public var kernel: KernelName { .rowHealth }
    public var name: String { "row_health_\(op.rows == 1 ? "\(op.width)" : "\(op.rows)x\(op.width)")" }
    public var tolerance: ToleranceClass { .exact }
    public var flops: Double { 2 * Double(op.rows * op.width) }
    public var bytes: Double { Double(4 * op.rows * (op.width + RowHealth.width)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.selectionRows(rows: op.rows, width: op.width)   // [rows, width] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let out = try backend.makeBuffer(byteCount: 4 * op.rows * RowHealth.width, label: "out")   // [rows, 3] f32
        return PreparedCase(
            issue: { try backend.rowHealth(op, x: xBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: op.rows * RowHealth.width))]) })
    }
}
