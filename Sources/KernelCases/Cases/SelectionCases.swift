import Kernels

/// ids[rows] = argmax of each row of x[rows, width]. Named `argmax_<rows>x<width>` (the width alone for one row).
/// Rows cycle through the awkward kinds of `SplitMix64.selectionRows`: ties, NaN, ±inf, all zero, ...
public struct ArgmaxCase: KernelCase {
    public var op: ArgmaxOp

    public init(rows: Int, width: Int) { op = ArgmaxOp(rows: rows, width: width) }

    public var kernel: KernelName { .argmax }
    public var name: String { "argmax_\(op.rows == 1 ? "\(op.width)" : "\(op.rows)x\(op.width)")" }
    public var tolerance: ToleranceClass { .exact }
    public var flops: Double { Double(op.rows * op.width) }
    public var bytes: Double { Double(4 * op.rows * (op.width + 1)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.selectionRows(rows: op.rows, width: op.width)   // [rows, width] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let ids = try backend.makeBuffer(byteCount: 4 * op.rows, label: "ids")   // [rows] int32
        return PreparedCase(
            issue: { try backend.argmax(op, x: xBuffer, ids: ids) },
            readOutputs: { CaseOutput([.ids("ids", try backend.read(ids, count: op.rows))]) })
    }
}

/// The k largest values of each row, descending, with their ids. Named `topk_k<k>_<rows>x<width>`. Same awkward rows
/// as argmax; values are copies of inputs, so they too must match exactly (NaN where the ids are -1).
public struct TopKCase: KernelCase {
    public var op: TopKOp

    public init(rows: Int, width: Int, k: Int) { op = TopKOp(rows: rows, width: width, k: k) }

    public var kernel: KernelName { .topk }
    public var name: String { "topk_k\(op.k)_\(op.rows == 1 ? "\(op.width)" : "\(op.rows)x\(op.width)")" }
    public var tolerance: ToleranceClass { .exact }
    public var flops: Double { Double(op.rows * op.width) }
    public var bytes: Double { Double(4 * op.rows * (op.width + 2 * op.k)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.selectionRows(rows: op.rows, width: op.width)   // [rows, width] f32
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let ids = try backend.makeBuffer(byteCount: 4 * op.rows * op.k, label: "ids")         // [rows, k] int32
        let values = try backend.makeBuffer(byteCount: 4 * op.rows * op.k, label: "values")   // [rows, k] f32
        return PreparedCase(
            issue: { try backend.topk(op, x: xBuffer, ids: ids, values: values) },
            readOutputs: {
                CaseOutput([.ids("ids", try backend.read(ids, count: op.rows * op.k)),
                            .floats("values", try backend.read(values, count: op.rows * op.k))])
            })
    }
}

/// out[rows] = logits[r, target[r]] - logsumexp(logits[r, :]). Named `token_logprobs_<rows>x<width>`; targets include
/// the first and the last id, and one row has all-equal logits (log(1/width) exactly in exact arithmetic).
public struct TokenLogprobsCase: KernelCase {
    public var op: TokenLogprobsOp

    public init(rows: Int, width: Int) { op = TokenLogprobsOp(rows: rows, width: width) }

    public var kernel: KernelName { .tokenLogprobs }
    public var name: String { "token_logprobs_\(op.rows)x\(op.width)" }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 4 * Double(op.rows * op.width) }
    public var bytes: Double { Double(4 * op.rows * (op.width + 2)) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        var logits = random.floats(op.rows * op.width, -12, 12)   // [rows, width] f32
        var targets = (0..<op.rows).map { _ in Int32(random.index(op.width)) }   // [rows] int32
        targets[0] = 0
        if op.rows > 1 {
            targets[op.rows - 1] = Int32(op.width - 1)
            for i in 0..<op.width { logits[i] = 1.5 }   // row 0: all equal
        }
        let logitBuffer = try backend.makeBuffer(logits, label: "logits")
        let targetBuffer = try backend.makeBuffer(targets, label: "targets")
        let out = try backend.makeBuffer(byteCount: 4 * op.rows, label: "out")   // [rows] f32
        return PreparedCase(
            issue: { try backend.tokenLogprobs(op, logits: logitBuffer, targets: targetBuffer, out: out) },
            readOutputs: { CaseOutput([.floats("out", try backend.read(out, count: op.rows))]) })
    }
}

extension SplitMix64 {
    /// Rows for argmax and topk, cycling through kinds that catch selection bugs (a single row is plain random):
    /// 0 random; 1 the maximum repeated at three places (lowest id wins); 2 a NaN; 3 a +inf; 4 a -inf; 5 all zero;
    /// 6 the maximum in the last column; 7 all equal and negative; 8 few distinct levels (ties throughout the top k).
    public mutating func selectionRows(rows: Int, width: Int) -> [Float] {
        var x: [Float] = []
        x.reserveCapacity(rows * width)
        for r in 0..<rows {
            var row = floats(width, -4, 4)
            switch r % 9 {
            case 1:
                for _ in 0..<3 { row[index(width)] = 5 }
            case 2: row[index(width)] = .nan
            case 3: row[index(width)] = .infinity
            case 4: row[index(width)] = -.infinity
            case 5: row = Array(repeating: 0, count: width)
            case 6: row[width - 1] = 5
            case 7: row = Array(repeating: -2.5, count: width)
            case 8: row = row.map { ($0 + 4).rounded(.down) }   // levels 0...7
            default: break
            }
            x += row
        }
        return x
    }
}
