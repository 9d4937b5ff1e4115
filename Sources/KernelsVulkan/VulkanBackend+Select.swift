import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// Indices (and row_health's counts) travel through the reductions as floats, exact below 2^24.
    static let maxSelectWidth = 1 << 24

    /// ids[r] = argmax of row r (ties: lowest id; -1 for a row holding NaN or +-inf).
    public func argmax(_ op: ArgmaxOp, x: Buffer, ids: Buffer) throws {
        try op.validate(x: x.byteCount, ids: ids.byteCount)
        try checkSelectWidth(op.width, op: "argmax")
        try dispatch(
            reductionVariant("argmax"), specialization: geometry.rowSpecialization,
            bindings: [bind(x, .read, bytes: 4 * op.rows * op.width), bind(ids, .write, bytes: 4 * op.rows)],
            push: op.push, groups: try geometry.folded(op.rows, op: "argmax"))
    }

    /// The k largest values of each row, descending, with their ids.
    public func topk(_ op: TopKOp, x: Buffer, ids: Buffer, values: Buffer) throws {
        try op.validate(x: x.byteCount, ids: ids.byteCount, values: values.byteCount)
        try checkSelectWidth(op.width, op: "topk")
        try dispatch(
            reductionVariant("topk"), specialization: geometry.rowSpecialization,
            bindings: [
                bind(x, .read, bytes: 4 * op.rows * op.width),
                bind(ids, .write, bytes: 4 * op.rows * op.k),
                bind(values, .write, bytes: 4 * op.rows * op.k),
            ],
            push: op.push, groups: try geometry.folded(op.rows, op: "topk"))
    }

    /// out[r] = logits[r, targets[r]] - logsumexp(logits[r, :]).
    public func tokenLogprobs(_ op: TokenLogprobsOp, logits: Buffer, targets: Buffer, out: Buffer) throws {
        try op.validate(logits: logits.byteCount, targets: targets.byteCount, out: out.byteCount)
        try dispatch(
            reductionVariant("token_logprobs"), specialization: geometry.rowSpecialization,
            bindings: [
                bind(logits, .read, bytes: 4 * op.rows * op.width),
                bind(targets, .read, bytes: 4 * op.rows),
                bind(out, .write, bytes: 4 * op.rows),
            ],
            push: op.push, groups: try geometry.folded(op.rows, op: "token_logprobs"))
    }

    func checkSelectWidth(_ width: Int, op: String, counting what: String = "indices") throws {
        guard width < Self.maxSelectWidth else {
            throw KernelError.unsupported(op: op, detail: "rows of \(width) values; the shader's \(what) are exact below \(Self.maxSelectWidth)")
        }
    }
}
