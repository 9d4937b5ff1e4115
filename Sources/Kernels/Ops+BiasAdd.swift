import KernelABI

/// In place: x[r·rowStride + offset + c] += bias[c] for r < rows, c < width. x: f32 rows of `rowStride` floats, of
/// which `width` from `offset` get the bias; bias: f32 [width]. Qwen2's Q/K/V biases: one add over fused q | k | v
/// rows, or one per projection. Each element is one f32 addition, so every backend gives the same bits.
public struct BiasAddOp: Sendable, Equatable {
    public var rows: Int, width: Int, rowStride: Int, offset: Int

    public init(rows: Int, width: Int, rowStride: Int? = nil, offset: Int = 0) {
        self.rows = rows; self.width = width; self.rowStride = rowStride ?? width; self.offset = offset
    }

    public var push: VeerBiasAddPush {
        VeerBiasAddPush(rows: UInt32(rows), width: UInt32(width), rowStride: UInt32(rowStride), offset: UInt32(offset))
    }

    /// Floats of x the op reads and writes: up to the end of the last row's biased part.
    public var xExtent: Int { (rows - 1) * rowStride + offset + width }

    public func validate(x: Int, bias: Int) throws {
        let op = "bias_add"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        guard offset >= 0, offset + width <= rowStride else {
            throw KernelError.invalidShape(
                op: op, detail: "offset \(offset) + width \(width) must fit in the row stride \(rowStride)")
        }
        try requireBytes(x, 4 * xExtent, op: op, operand: "x")
        try requireBytes(bias, 4 * width, op: op, operand: "bias")
    }
}
