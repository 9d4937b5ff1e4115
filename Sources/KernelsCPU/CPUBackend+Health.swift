import Kernels

extension CPUBackend {
    /// out[r] = (smallest finite value, largest finite value, count of NaN and ±inf) of row r.
    public func rowHealth(_ op: RowHealthOp, x: CPUBuffer, out: CPUBuffer) throws {
        try serialized("row_health") {
            try op.validate(x: x.byteCount, out: out.byteCount)
            let input = UnsafePointer(x.floats()), output = out.floats(), width = op.width
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, _ in
                for r in rows {
                    let health = Self.health(input + r * width, count: width)
                    output[3 * r] = health.minimum
                    output[3 * r + 1] = health.maximum
                    output[3 * r + 2] = Float(health.nonFinite)
                }
            }
        }
    }

    /// A healthy row (the decode loop's case) takes two vectorised passes; a row with NaN or ±inf is rare and
    /// gets a plain scan that skips them.
    private static func health(_ row: UnsafePointer<Float>, count: Int) -> RowHealth {
        if VectorMath.allFinite(row, count: count) {
            let range = VectorMath.extrema(row, count: count)
            return RowHealth(minimum: range.minimum, maximum: range.maximum, nonFinite: 0)
        }
        var health = RowHealth(minimum: .infinity, maximum: -.infinity, nonFinite: 0)
        for i in 0..<count {
            let v = row[i]
            if !v.isFinite { health.nonFinite += 1; continue }
            if v < health.minimum { health.minimum = v }
            if v > health.maximum { health.maximum = v }
        }
        return health
    }
}
