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

    /// In-place rotary embedding: for each head and each pair i < nRot/2 of row r (dims (2i, 2i+1) in the adjacent
    /// style, (i, i + nRot/2) in NEOX), the pair turns by pos[r]·freqScale·freqBase^(−2i/nRot) / freqFactors[i].
    /// x: [rows, rowStride]; positions: int32 [rows]; freqFactors: f32 [nRot/2] or nil (all 1).
    public static func rope(_ op: RopeOp, x: inout [Float], positions: [Int32], freqFactors: [Float]? = nil) throws {
        try op.validate(x: byteSize(x), positions: byteSize(positions), freqFactors: freqFactors.map { byteSize($0) })
        for r in 0..<op.rows {
            for h in 0..<op.nHeads {
                let head = r * op.rowStride + op.headOffset + h * op.headDim
                for i in 0 ..< op.nRot / 2 {
                    let angle = ropeAngle(position: positions[r], pair: i, op: op, factor: freqFactors?[i] ?? 1)
                    let (d0, d1) = op.style.dims(ofPair: i, nRot: op.nRot)
                    let x0 = Double(x[head + d0]), x1 = Double(x[head + d1])
                    x[head + d0] = Float(x0 * cos(angle) - x1 * sin(angle))
                    x[head + d1] = Float(x0 * sin(angle) + x1 * cos(angle))
                }
            }
        }
    }

    /// pos · freqScale · freqBase^(−2i/nRot) / factor in f64: the angle of rotary pair i at a position.
    public static func ropeAngle(position: Int32, pair i: Int, op: RopeOp, factor: Float = 1) -> Double {
        Double(position) * Double(op.freqScale) * pow(Double(op.freqBase), -2 * Double(i) / Double(op.nRot))
            / Double(factor)
    }

    /// out[r, c] = act(gate[r·stride + c]) · up[r·stride + upOffset + c] in f64, act as `op.activation` says:
    /// silu(g) = g / (1 + exp(−g)), gelu_tanh(g) = g/2 · (1 + tanh(sqrt(2/π)·g·(1 + 0.044715·g²))).
    public static func swiglu(_ op: SwigluOp, gate: [Float], up: [Float]) throws -> [Float] {
        try op.validate(gate: byteSize(gate), up: byteSize(up), out: 4 * op.count)
        return (0..<op.count).map { i in
            let r = i / op.width, c = i % op.width
            let g = Double(gate[r * op.stride + c])
            return Float(activation(op.activation, g) * Double(up[r * op.stride + op.upOffset + c]))
        }
    }

    /// A gated unit's activation of g, in f64.
    public static func activation(_ activation: GatedActivation, _ g: Double) -> Double {
        switch activation {
        case .silu: return g / (1 + exp(-g))
        case .geluTanh: return 0.5 * g * (1 + tanh((2 / Double.pi).squareRoot() * g * (1 + 0.044715 * g * g)))
        }
    }

    /// x[r·rowStride + offset + c] += bias[c] in place (one f32 addition, which f64 rounds the same way).
    public static func biasAdd(_ op: BiasAddOp, x: inout [Float], bias: [Float]) throws {
        try op.validate(x: byteSize(x), bias: byteSize(bias))
        for r in 0..<op.rows {
            for c in 0..<op.width {
                let at = r * op.rowStride + op.offset + c
                x[at] = Float(Double(x[at]) + Double(bias[c]))
            }
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
