import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// out[r] = (min, max, nonFinite) of row r of x.
    public func rowHealth(_ op: RowHealthOp, x: Buffer, out: Buffer) throws {
        try op.validate(x: x.byteCount, out: out.byteCount)
        try checkSelectWidth(op.width, op: "row_health", counting: "counts")
        try dispatch(
            reductionVariant("row_health"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .read, bytes: 4 * op.rows * op.width), bind(out, .write, bytes: 4 * op.rows * RowHealth.width)],
            push: op.push, groups: try geometry.folded(op.rows, op: "row_health"))
    }
}
