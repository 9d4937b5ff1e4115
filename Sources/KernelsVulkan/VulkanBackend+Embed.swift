import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// out[rows, width] = dequant(table[ids[r], :]). A table larger than one binding runs as one dispatch per run of
    /// ids; each writes the rows whose id falls in its run. An id outside the vocabulary gives a NaN row.
    public func embed(_ op: EmbedOp, ids: Buffer, table: Buffer, out: Buffer) throws {
        try op.validate(ids: ids.byteCount, table: table.byteCount, out: out.byteCount)
        let rowBytes = op.tableType.rowBytes(op.width)
        let runs = try BindingRuns.split(
            rows: op.vocab, rowBytes: rowBytes, maxRange: device.limits.splitBindingBytes,
            alignment: geometry.bindingAlignment, op: "embed")
        let grid = try geometry.grid(groups(op.width, of: geometry.elementGroup), op.rows, op: "embed")
        for run in runs {
            var push = op.push
            push.idBase = UInt32(run.rows.lowerBound)
            push.idCount = UInt32(run.rows.count)
            try dispatch(
                "embed_" + op.tableType.description, specialization: geometry.embedSpecialization,
                bindings: [
                    bind(ids, .read, bytes: 4 * op.rows),
                    bind(table, .read, bytes: run.bytes, offset: run.offset),
                    bind(out, .write, bytes: 4 * op.rows * op.width),
                ],
                push: push, groups: grid)
        }
    }
}
