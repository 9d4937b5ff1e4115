import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// out = x / sqrt(mean(x^2) + eps) * weight per row; out may be x. One workgroup per row.
    public func rmsnorm(_ op: RMSNormOp, x: Buffer, weight: Buffer, out: Buffer) throws {
        try op.validate(x: x.byteCount, weight: weight.byteCount, out: out.byteCount)
        let bytes = 4 * op.rows * op.width
        try dispatch(
            reductionVariant("rmsnorm"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .read, bytes: bytes), bind(weight, .read, bytes: 4 * op.width), bind(out, .write, bytes: bytes)],
            push: op.push, groups: try geometry.folded(op.rows, op: "rmsnorm"))
    }

    /// Per row: softmax or log-softmax; out may be x. One workgroup per row.
    public func softmax(_ op: SoftmaxOp, x: Buffer, out: Buffer) throws {
        try op.validate(x: x.byteCount, out: out.byteCount)
        let bytes = 4 * op.rows * op.width
        try dispatch(
            reductionVariant("softmax"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .read, bytes: bytes), bind(out, .write, bytes: bytes)],
            push: op.push, groups: try geometry.folded(op.rows, op: op.log ? "log_softmax" : "softmax"))
    }
}
