import KernelABI

/// y = rmsnorm(x) · Wᵀ: each row of x[rows, k] normed as `norm` does (weight `normWeight` [k], eps), then multiplied
/// as `matmul` does, with the same bits as the two ops one after the other. A backend may fuse them (Vulkan: one
/// mat-vec launch for a single row, which saves the separate norm launch of every decode step) or run both, writing
/// the normed rows into `normed` [rows, k] on the way; read nothing from `normed` afterwards.
public struct NormMatmulOp: Sendable, Equatable {
    /// The multiplication, on the normed rows; its xOffset must be 0 (the norm writes rows from the start).
    public var matmul: MatmulOp
    public var eps: Float

    public init(rows: Int, k: Int, n: Int, weightType: DType, eps: Float, yOffset: Int = 0) {
        matmul = MatmulOp(rows: rows, k: k, n: n, weightType: weightType, yOffset: yOffset)
        self.eps = eps
    }

    /// The norm this op applies to its input rows.
    public var norm: RMSNormOp { RMSNormOp(rows: matmul.rows, width: matmul.k, eps: eps) }

    /// The push constants of the fused mat-vec: the matmul's, then eps.
    public var push: VeerNormMatmulPush { VeerNormMatmulPush(matmul: matmul.push, eps: eps) }

    public func validate(x: Int, normWeight: Int, normed: Int, weights: Int, y: Int) throws {
        let op = "norm_matmul"
        guard matmul.xOffset == 0 else {
            throw KernelError.invalidShape(op: op, detail: "xOffset must be 0 (the normed rows start at 0), got \(matmul.xOffset)")
        }
        try requirePositive(matmul.rows, "rows", op: op); try requirePositive(matmul.k, "k", op: op)
        try requireBytes(x, 4 * matmul.rows * matmul.k, op: op, operand: "x")
        try requireBytes(normWeight, 4 * matmul.k, op: op, operand: "normWeight")
        try requireBytes(normed, 4 * matmul.rows * matmul.k, op: op, operand: "normed")
        try matmul.validate(x: normed, weights: weights, y: y)
    }
}
