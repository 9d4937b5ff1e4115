import Kernels

/// out[rows, width] = dequant(table[ids[r], :]) · scale with table [vocab, width] in `dtype`.
/// Named `embed_<dtype>_<vocab>x<width>`, `embed_<dtype>_scaled_<vocab>x<width>` with a scale other than 1 (Gemma's
/// sqrt(width)); the ids always include the first and the last token and one repeat.
public struct EmbedCase: KernelCase {
    public var op: EmbedOp

    public init(rows: Int, width: Int, vocab: Int, dtype: DType, scale: Float = 1) {
        op = EmbedOp(rows: rows, width: width, vocab: vocab, tableType: dtype, scale: scale)
    }

    public var kernel: KernelName { .embed }
    public var name: String { "embed_\(op.tableType)\(op.scale != 1 ? "_scaled" : "")_\(op.vocab)x\(op.width)" }
    /// Dequantization is exact in f32: f16 scales times small integer codes, plus one rounding for q4_1's minimum (and
    /// one for the scale).
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 0 }
    public var bytes: Double { Double(op.rows * (op.tableType.rowBytes(op.width) + 4 * op.width + 4)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let table = random.weights(op.tableType, rows: op.vocab, k: op.width)   // [vocab, width] in tableType
        var ids = (0..<op.rows).map { _ in Int32(random.index(op.vocab)) }      // [rows] int32
        ids[0] = 0
        if op.rows > 1 { ids[op.rows - 1] = Int32(op.vocab - 1) }
        if op.rows > 3 { ids[2] = ids[1] }
        try op.validateIds(ids)
        let idBuffer = try backend.makeBuffer(ids, label: "ids")
        let tableBuffer = try backend.makeBuffer(table, label: "table")
        let out = try backend.makeBuffer(byteCount: 4 * op.rows * op.width, label: "out")   // [rows, width] f32
        return PreparedCase(
            issue: { try backend.embed(op, ids: idBuffer, table: tableBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: op.rows * op.width))]) })
    }
}
