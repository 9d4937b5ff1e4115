import Kernels

extension Reference {
    /// y[rows, n] = x[rows, k] · Wᵀ. x is read from `op.xOffset` floats in; the result is the compact
    /// [rows, n] block (a backend writes it at `op.yOffset`). weights: W [n, k] in `op.weightType`.
    /// Each output is Σ_i w[j, i]·x[r, i] in f64 over the dequantized f32 weights, rounded once to f32.
    public static func matmul(_ op: MatmulOp, x: [Float], weights: [UInt8]) throws -> [Float] {
        try op.validate(x: byteSize(x), weights: weights.count, y: 4 * (op.yOffset + op.rows * op.n))
        let rowBytes = op.weightType.rowBytes(op.k)
        var y = [Float](repeating: 0, count: op.rows * op.n)   // [rows, n]
        for j in 0..<op.n {
            let w = dequantize(op.weightType, weights[j * rowBytes ..< (j + 1) * rowBytes], count: op.k)
            for r in 0..<op.rows {
                let xRow = x[op.xOffset + r * op.k ..< op.xOffset + (r + 1) * op.k]
                y[r * op.n + j] = Float(dot(w[...], xRow))
            }
        }
        return y
    }

    /// out[rows, width] = dequant(table[ids[r], :]). table: [vocab, width] in `op.tableType`; ids: int32 [rows].
    public static func embed(_ op: EmbedOp, ids: [Int32], table: [UInt8]) throws -> [Float] {
        try op.validate(ids: byteSize(ids), table: table.count, out: 4 * op.rows * op.width)
        try op.validateIds(Array(ids.prefix(op.rows)))
        let rowBytes = op.tableType.rowBytes(op.width)
        var out = [Float]()   // [rows, width]
        out.reserveCapacity(op.rows * op.width)
        for r in 0..<op.rows {
            let id = Int(ids[r])
            out += dequantize(op.tableType, table[id * rowBytes ..< (id + 1) * rowBytes], count: op.width)
        }
        // The product of two floats is exact in f64, so this rounds as the f32 product does.
        return op.scale == 1 ? out : out.map { Float(Double($0) * Double(op.scale)) }
    }
}
