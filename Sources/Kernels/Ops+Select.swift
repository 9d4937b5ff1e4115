import KernelABI

/// Per row of x[rows, width]: ids[r] = the index of the largest value, ties to the lowest index. A row holding NaN
/// or ±inf yields -1: it is reported, never silently picked.
public struct ArgmaxOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public init(rows: Int, width: Int) { self.rows = rows; self.width = width }
    public var push: VeerSelectPush { VeerSelectPush(rows: UInt32(rows), width: UInt32(width), k: 1) }
    public func validate(x: Int, ids: Int) throws {
        try requirePositive(rows, "rows", op: "argmax"); try requirePositive(width, "width", op: "argmax")
        try requireBytes(x, 4 * rows * width, op: "argmax", operand: "x")
        try requireBytes(ids, 4 * rows, op: "argmax", operand: "ids")
    }
}

/// Per row: the k largest values in descending order with their ids (int32 [rows, k]; values f32 [rows, k]); equal
/// values order by lower id first. A row holding NaN or ±inf yields ids -1 and NaN values. 1 <= k <= 256.
public struct TopKOp: Sendable, Equatable {
    public static let maxK = 256
    public var rows: Int, width: Int, k: Int
    public init(rows: Int, width: Int, k: Int) { self.rows = rows; self.width = width; self.k = k }
    public var push: VeerSelectPush { VeerSelectPush(rows: UInt32(rows), width: UInt32(width), k: UInt32(k)) }
    public func validate(x: Int, ids: Int, values: Int) throws {
        let op = "topk"
        try requirePositive(rows, "rows", op: op)
        guard k >= 1, k <= TopKOp.maxK, k <= width else {
            throw KernelError.invalidShape(op: op, detail: "k = \(k) must be in 1...\(min(TopKOp.maxK, width))")
        }
        try requireBytes(x, 4 * rows * width, op: op, operand: "x")
        try requireBytes(ids, 4 * rows * k, op: op, operand: "ids")
        try requireBytes(values, 4 * rows * k, op: op, operand: "values")
    }
}

/// out[r] = logits[r, targets[r]] − logsumexp(logits[r, :]): multiple-choice scoring without copying the vocabulary
/// to the host. targets: int32 [rows], each in [0, width) (checked by the host).
public struct TokenLogprobsOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public init(rows: Int, width: Int) { self.rows = rows; self.width = width }
    public var push: VeerTokenLogprobsPush { VeerTokenLogprobsPush(rows: UInt32(rows), width: UInt32(width)) }
    public func validate(logits: Int, targets: Int, out: Int) throws {
        let op = "token_logprobs"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        try requireBytes(logits, 4 * rows * width, op: op, operand: "logits")
        try requireBytes(targets, 4 * rows, op: op, operand: "targets")
        try requireBytes(out, 4 * rows, op: op, operand: "out")
    }
}
