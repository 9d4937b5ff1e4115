import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// In-place rotary embedding; one invocation per rotated pair, rows on the grid's y axis. Without frequency
    /// factors their binding is a placeholder the shader does not read (the push says so).
    public func rope(_ op: RopeOp, x: Buffer, positions: Buffer, freqFactors: Buffer?) throws {
        try op.validate(x: x.byteCount, positions: positions.byteCount, freqFactors: freqFactors?.byteCount)
        let pairs = op.nHeads * op.nRot / 2
        try dispatch(
            "rope", specialization: geometry.elementSpecialization,
            bindings: [bind(x, .readWrite, bytes: 4 * op.rows * op.rowStride),
                       bind(positions, .read, bytes: 4 * op.rows),
                       try freqFactorsBinding(freqFactors, nRot: op.nRot)],
            push: op.push(hasFreqFactors: freqFactors != nil),
            groups: try geometry.grid(groups(pairs, of: geometry.elementGroup), op.rows, op: "rope"))
    }

    /// The binding of a rope kernel's frequency factors (nRot/2 floats), or the placeholder when there are none.
    func freqFactorsBinding(_ freqFactors: Buffer?, nRot: Int) throws -> BufferBinding {
        guard let freqFactors else { return try unusedBinding() }
        return bind(freqFactors, .read, bytes: 4 * nRot / 2)
    }

    /// x += bias per row, in place (`BiasAddOp`); one invocation per element, rows on the grid's y axis.
    public func biasAdd(_ op: BiasAddOp, x: Buffer, bias: Buffer) throws {
        try op.validate(x: x.byteCount, bias: bias.byteCount)
        try dispatch(
            "bias_add", specialization: geometry.elementSpecialization,
            bindings: [bind(x, .readWrite, bytes: 4 * op.xExtent), bind(bias, .read, bytes: 4 * op.width)],
            push: op.push,
            groups: try geometry.grid(groups(op.width, of: geometry.elementGroup), op.rows, op: "bias_add"))
    }

    /// out = act(gate) * up per row (`SwigluOp`: silu or tanh-GELU, a push field); in the flat form out may be gate
    /// or up.
    public func swiglu(_ op: SwigluOp, gate: Buffer, up: Buffer, out: Buffer) throws {
        try op.validate(gate: gate.byteCount, up: up.byteCount, out: out.byteCount)
        try dispatch(
            "swiglu", specialization: geometry.elementSpecialization,
            bindings: [bind(gate, .read, bytes: 4 * op.gateExtent), bind(up, .read, bytes: 4 * op.upExtent),
                       bind(out, .write, bytes: 4 * op.count)],
            push: op.push, groups: try geometry.folded(groups(op.count, of: geometry.elementGroup), op: "swiglu"))
    }

    /// Writes each row's K and V into its cache slot and position.
    public func kvStore(_ op: KVStoreOp, k: Buffer, v: Buffer, kCache: Buffer, vCache: Buffer,
                        rows: RowPlacement<Buffer>) throws {
        try op.validate(k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                        slots: rows.slots.byteCount, positions: rows.positions.byteCount)
        let last = (op.rows - 1) * op.rowStride + op.cache.kvWidth
        try dispatch(
            "kv_store", specialization: geometry.elementSpecialization,
            bindings: [
                bind(k, .read, bytes: 4 * (op.kOffset + last)),
                bind(v, .read, bytes: 4 * (op.vOffset + last)),
                bind(kCache, .write, bytes: op.cache.bytes),
                bind(vCache, .write, bytes: op.cache.bytes),
                bind(rows.slots, .read, bytes: 4 * op.rows),
                bind(rows.positions, .read, bytes: 4 * op.rows),
            ],
            push: op.push,
            groups: try geometry.grid(groups(op.cache.kvWidth, of: geometry.elementGroup), op.rows, op: "kv_store"))
    }
}
