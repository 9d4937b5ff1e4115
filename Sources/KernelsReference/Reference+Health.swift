import Kernels

extension Reference {
    /// Per row: (smallest finite value, largest finite value, count of NaN and ±inf), flattened [rows, 3]; a row
    /// with no finite value gives (+inf, −inf, width).
    public static func rowHealth(_ op: RowHealthOp, x: [Float]) throws -> [Float] {
        try op.validate(x: byteSize(x), out: 4 * op.rows * RowHealth.width)
        return (0..<op.rows).flatMap { r -> [Float] in
            let row = x[r * op.width ..< (r + 1) * op.width]
            let finite = row.filter(\.isFinite)
            return [finite.min() ?? .infinity, finite.max() ?? -.infinity, Float(op.width - finite.count)]
        }
    }
}
