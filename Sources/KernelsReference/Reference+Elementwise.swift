import Foundation
import Kernels

extension Reference {
    /// out[r, i] = x[r, i] / sqrt(mean(x[r, :]²) + eps) · weight[i]; x, out: [rows, width]; weight: [width].
    public static func rmsnorm(_ op: RMSNormOp, x: [Float], weight: [Float]) throws -> [Float] {
        try op.validate(x: byteSize(x), weight: byteSize(weight), out: 4 * op.rows * op.width)
        var out = [Float](repeating: 0, count: op.rows * op.width)
        for r in 0..<op.rows {
            let row = x[r * op.width ..< (r + 1) * op.width]
            let meanSquare = dot(row, row) / Double(op.width)
            let inverseRMS = 1 / (meanSquare + Double(op.eps)).squareRoot()
            for i in 0..<op.width {
                out[r * op.width + i] = Float(Double(row[row.startIndex + i]) * inverseRMS * Double(weight[i]))
            }
        }
        return out
    }

    /// In-place rotary embedding (GGML NORM mode): for each head and each pair i < nRot/2 of row r,
    /// (x[2i], x[2i+1]) turns by pos[r]·freqScale·freqBase^(−2i/nRot). x: [rows, rowStride]; positions: int32 [rows].
    public static func rope(_ op: RopeOp, x: inout [Float], positions: [Int32]) throws {
        try op.validate(x: byteSize(x), positions: byteSize(positions))
        for r in 0..<op.rows {
            for h in 0..<op.nHeads {
                let head = r * op.rowStride + op.headOffset + h * op.headDim
                for i in 0 ..< op.nRot / 2 {
                    let angle = ropeAngle(position: positions[r], pair: i, op: op)
                    let x0 = Double(x[head + 2 * i]), x1 = Double(x[head + 2 * i + 1])
                    x[head + 2 * i] = Float(x0 * cos(angle) - x1 * sin(angle))
                    x[head + 2 * i + 1] = Float(x0 * sin(angle) + x1 * cos(angle))
                }
            }
        }
    }

    /// pos · freqScale · freqBase^(−2i/nRot) in f64: the angle of rotary pair i at a position.
    public static func ropeAngle(position: Int32, pair i: Int, op: RopeOp) -> Double {
        Double(position) * Double(op.freqScale) * pow(Double(op.freqBase), -2 * Double(i) / Double(op.nRot))
    }

    /// out[r, c] = silu(gate[r·stride + c]) · up[r·stride + upOffset + c], silu(g) = g / (1 + exp(−g)).
    public static func swiglu(_ op: SwigluOp, gate: [Float], up: [Float]) throws -> [Float] {
        try op.validate(gate: byteSize(gate), up: byteSize(up), out: 4 * op.count)
        return (0..<op.count).map { i in
            let r = i / op.width, c = i % op.width
            let g = Double(gate[r * op.stride + c])
            return Float(g / (1 + exp(-g)) * Double(up[r * op.stride + op.upOffset + c]))
        }
    }

    /// Per row of x[rows, width]: softmax, or log-softmax when `op.log`, with max subtraction, in f64.
    public static func softmax(_ op: SoftmaxOp, x: [Float]) throws -> [Float] {
        try op.validate(x: byteSize(x), out: 4 * op.rows * op.width)
        var out = [Float](repeating: 0, count: op.rows * op.width)
        for r in 0..<op.rows {
            let row = x[r * op.width ..< (r + 1) * op.width].map(Double.init)
            let top = row.max()!
            let sum = row.reduce(0.0) { $0 + exp($1 - top) }
            for i in 0..<op.width {
                out[r * op.width + i] = Float(op.log ? row[i] - top - log(sum) : exp(row[i] - top) / sum)
            }
        }
        return out
    }
}
