import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// The largest head the attention shader holds (MAX_HEAD_DIM and DIMS_PER_LANE in Shaders/attention.comp).
    var maxAttentionHeadDim: Int { min(256, 4 * geometry.attentionGroup) }

    /// Causal GQA over the KV cache, one workgroup per (head, row); decode and prefill alike.
    public func attention(_ op: AttentionOp, q: Buffer, kCache: Buffer, vCache: Buffer, rows: RowPlacement<Buffer>,
                          out: Buffer) throws {
        try op.validate(q: q.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                        slots: rows.slots.byteCount, positions: rows.positions.byteCount, out: out.byteCount)
        guard op.cache.headDim <= maxAttentionHeadDim else {
            throw KernelError.unsupported(
                op: "attention", detail: "headDim \(op.cache.headDim) exceeds the shader's \(maxAttentionHeadDim)")
        }
        try dispatch(
            reductionVariant("attention"), specialization: geometry.attentionSpecialization,
            bindings: [
                bind(q, .read, bytes: 4 * (op.qOffset + (op.rows - 1) * op.qRowStride + op.outWidth)),
                bind(kCache, .read, bytes: op.cache.bytes),
                bind(vCache, .read, bytes: op.cache.bytes),
                bind(rows.slots, .read, bytes: 4 * op.rows),
                bind(rows.positions, .read, bytes: 4 * op.rows),
                bind(out, .write, bytes: 4 * op.rows * op.outWidth),
            ],
            push: op.push, groups: try geometry.grid(op.nHeads, op.rows, op: "attention"))
    }
}
