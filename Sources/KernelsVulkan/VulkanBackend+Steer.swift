import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// The fused residual update: x += f(delta) on every row, then the steering g on flagged rows, one launch
    /// (Shaders/residual_steer.comp). With `trace`, writes [t, normBefore, normAfter, c] per row.
    public func residualSteer(_ op: ResidualSteerOp, x: Buffer, delta: Buffer, tables: SteerTables<Buffer>,
                              trace: Buffer?) throws {
        try op.validate(x: x.byteCount, delta: delta.byteCount, trace: trace?.byteCount)
        try tables.check(rows: op.rows, width: op.width, op: "residual_steer")
        let bytes = 4 * op.rows * op.width
        // Without a trace the shader never touches binding 8; it still needs a buffer there.
        let traceBinding = try trace.map { bind($0, .write, bytes: 4 * op.rows * Int(VEER_TRACE_WIDTH)) } ?? unusedBinding()
        try dispatch(
            reductionVariant("residual_steer"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .readWrite, bytes: bytes), bind(delta, .read, bytes: bytes)]
                + tableBindings(tables, rows: op.rows) + [traceBinding],
            push: op.push(writeTrace: trace != nil), groups: try geometry.folded(op.rows, op: "residual_steer"))
    }

    /// Head edits before the output projection: g (add and unit scaling only) on flagged rows.
    public func headsEdit(_ op: HeadsEditOp, x: Buffer, tables: SteerTables<Buffer>) throws {
        try op.validate(x: x.byteCount)
        try tables.check(rows: op.rows, width: op.width, op: "heads_edit")
        try dispatch(
            reductionVariant("heads_edit"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .readWrite, bytes: 4 * op.rows * op.width)] + tableBindings(tables, rows: op.rows),
            push: op.push, groups: try geometry.folded(op.rows, op: "heads_edit"))
    }

    /// rowSeq, rowFlags, seqParams, vectors, unitIndex, unitCoef: the order of Shaders/residual_steer.comp.
    private func tableBindings(_ tables: SteerTables<Buffer>, rows: Int) -> [BufferBinding] {
        [
            bind(tables.rowSeq, .read, bytes: 4 * rows),
            bind(tables.rowFlags, .read, bytes: 4 * rows),
            bind(tables.seqParams, .read),
            bind(tables.vectors, .read),
            bind(tables.unitIndex, .read),
            bind(tables.unitCoef, .read),
        ]
    }
}
