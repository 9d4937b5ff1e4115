import KernelABI

/// Per row of x[rows, width]: out[r] = (min, max, nonFinite), f32 [rows, 3] (`RowHealth.width`). min and max are the
/// smallest and largest finite values (+inf and −inf when the row has none); nonFinite counts NaN and ±inf. Only
/// comparisons and integer counts, so every backend gives the same bits. The generator runs it on the logits after
/// every forward pass: a row that holds a non-finite value, or whose values are all equal, is a broken forward pass,
/// not an answer.
public struct RowHealthOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public init(rows: Int, width: Int) { self.rows = rows; self.width = width }
    public var push: VeerRowHealthPush { VeerRowHealthPush(rows: UInt32(rows), width: UInt32(width)) }
    public func validate(x: Int, out: Int) throws {
        let op = "row_health"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        try requireBytes(x, 4 * rows * width, op: op, operand: "x")
        try requireBytes(out, 4 * rows * RowHealth.width, op: op, operand: "out")
    }
}

/// One row's `RowHealthOp` result.
public struct RowHealth: Sendable, Equatable, CustomStringConvertible {
    /// Floats per row in the op's output.
    public static let width = Int(VEER_ROW_HEALTH_WIDTH)

    public var minimum: Float, maximum: Float, nonFinite: Int

    public init(minimum: Float, maximum: Float, nonFinite: Int) {
        self.minimum = minimum; self.maximum = maximum; self.nonFinite = nonFinite
    }

    /// Splits the op's output, f32 [rows, 3], into rows.
    public static func rows(_ values: [Float]) -> [RowHealth] {
        stride(from: 0, to: values.count - width + 1, by: width).map {
            RowHealth(minimum: values[$0], maximum: values[$0 + 1], nonFinite: Int(values[$0 + 2]))
        }
    }

    /// A non-finite value, or every value equal (no token is preferred: sampling from it is noise).
    public var isDegenerate: Bool { nonFinite > 0 || !(maximum > minimum) }

    /// What is wrong, in words, e.g. "3 of the values are NaN or infinite" or "every value is 0.0".
    public var description: String {
        if nonFinite > 0 { return "\(nonFinite) value\(nonFinite == 1 ? " is" : "s are") NaN or infinite" }
        if maximum == minimum { return "every value is \(maximum)" }
        return "values span \(minimum)...\(maximum)"
    }
}
