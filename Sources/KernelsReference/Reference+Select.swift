import Foundation
import Kernels

extension Reference {
    /// ids[r] = index of the largest value of row r, ties to the lowest index; -1 for a row holding NaN or ±inf.
    public static func argmax(_ op: ArgmaxOp, x: [Float]) throws -> [Int32] {
        try op.validate(x: byteSize(x), ids: 4 * op.rows)
        return (0..<op.rows).map { r in
            let row = Array(x[r * op.width ..< (r + 1) * op.width])
            guard row.allSatisfy(\.isFinite) else { return -1 }
            var best = 0
            for i in 1..<op.width where row[i] > row[best] { best = i }
            return Int32(best)
        }
    }

    /// The k largest values of each row in descending order (equal values: lower id first), as ids [rows, k] and
    /// values [rows, k]. A row holding NaN or ±inf yields ids -1 and NaN values.
    public static func topk(_ op: TopKOp, x: [Float]) throws -> (ids: [Int32], values: [Float]) {
        try op.validate(x: byteSize(x), ids: 4 * op.rows * op.k, values: 4 * op.rows * op.k)
        var ids = [Int32](), values = [Float]()
        for r in 0..<op.rows {
            let row = Array(x[r * op.width ..< (r + 1) * op.width])
            guard row.allSatisfy(\.isFinite) else {
                ids += Array(repeating: -1, count: op.k); values += Array(repeating: .nan, count: op.k)
                continue
            }
            // A full sort by (value descending, id ascending): obviously right, and fast enough for an oracle.
            let order = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            ids += order.prefix(op.k).map { Int32($0) }
            values += order.prefix(op.k).map { row[$0] }
        }
        return (ids, values)
    }

    /// out[r] = logits[r, targets[r]] − logsumexp(logits[r, :]), in f64. targets: int32 [rows] in [0, width).
    public static func tokenLogprobs(_ op: TokenLogprobsOp, logits: [Float], targets: [Int32]) throws -> [Float] {
        try op.validate(logits: byteSize(logits), targets: byteSize(targets), out: 4 * op.rows)
        return try (0..<op.rows).map { r in
            let target = Int(targets[r])
            guard target >= 0, target < op.width else {
                throw KernelError.invalidShape(op: "token_logprobs", detail: "target \(target) of row \(r) is outside [0, \(op.width))")
            }
            let row = logits[r * op.width ..< (r + 1) * op.width].map(Double.init)
            let top = row.max()!
            let logSum = top + log(row.reduce(0.0) { $0 + exp($1 - top) })
            return Float(row[target] - logSum)
        }
    }
}
