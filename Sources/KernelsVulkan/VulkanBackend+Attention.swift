import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// The largest head the attention shader holds (MAX_HEAD_DIM and DIMS_PER_LANE in Shaders/attention.comp).
    /// (attention_serial.comp: MAX_HEAD_DIM.)
    var maxAttentionHeadDim: Int { geometry.serialAttention ? 256 : min(256, 4 * geometry.attentionGroup) }

    /// Causal GQA over the KV cache; decode and prefill alike. attention.comp: one workgroup per (head, row);
    /// attention_serial.comp (CPU implementations): one invocation per (row, head).
    public func attention(_ op: AttentionOp, q: Buffer, kCache: Buffer, vCache: Buffer, rows: RowPlacement<Buffer>,
                          out: Buffer) throws {
        try op.validate(q: q.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                        slots: rows.slots.byteCount, positions: rows.positions.byteCount, out: out.byteCount)
        guard op.cache.headDim <= maxAttentionHeadDim else {
            throw KernelError.unsupported(
                op: "attention", detail: "headDim \(op.cache.headDim) exceeds the shader's \(maxAttentionHeadDim)")
        }
        let serial = geometry.serialAttention
        let grid = serial
            ? try geometry.folded(groups(op.rows * op.nHeads, of: geometry.serialAttentionGroup), op: "attention")
            : try geometry.grid(op.nHeads, op.rows, op: "attention")
        try dispatch(
            serial ? "attention_serial" : reductionVariant("attention"),
            specialization: serial ? [UInt32(geometry.serialAttentionGroup)] : geometry.attentionSpecialization,
            bindings: [
                bind(q, .read, bytes: 4 * (op.qOffset + (op.rows - 1) * op.qRowStride + op.outWidth)),
                bind(kCache, .read, bytes: op.cache.bytes),
                bind(vCache, .read, bytes: op.cache.bytes),
                bind(rows.slots, .read, bytes: 4 * op.rows),
                bind(rows.positions, .read, bytes: 4 * op.rows),
                bind(out, .write, bytes: 4 * op.rows * op.outWidth),
            ],
            push: op.push, groups: grid)
    }
}
