import Kernels

extension Reference {
    /// One activation row rounded as `Precision.q8` specifies (llama.cpp's x86 quantize_row_q8_1): per block of 32,
    /// d = amax/127 (f32), q = round(x · (127/amax)) with ties to even (0 when amax = 0), s = d·Σq; d and s are then
    /// rounded to f16.
    public struct Q8Row: Sendable {
        public var q: [Int8]
        public var d: [Float]
        public var s: [Float]
        public init(q: [Int8], d: [Float], s: [Float]) { self.q = q; self.d = d; self.s = s }
    }

    public static func quantizeQ8(_ x: ArraySlice<Float>) -> Q8Row {
        let values = Array(x)
        var row = Q8Row(q: [], d: [], s: [])
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = values[start ..< start + 32]
            let amax = block.reduce(Float(0)) { max($0, abs($1)) }
            let scale = amax / 127
            let inverse: Float = amax != 0 ? 127 / amax : 0
            let q = block.map { Int8(($0 * inverse).rounded(.toNearestOrEven)) }
            let sum = q.reduce(0) { $0 + Int($1) }
            row.q += q
            row.d.append(halfToFloat(floatToHalf(scale)))
            row.s.append(halfToFloat(floatToHalf(Float(sum) * scale)))
        }
        return row
    }

    /// y[rows, n] = x[rows, k] · Wᵀ in `Precision.q8` for quantized weights: x's rows quantized by `quantizeQ8`, each
    /// block's Σ q_w·q_x summed exactly in integers (q4_0: q_w − 8), then Σ_b d_w·d_x·Σq (+ m_w·s_x for q4_1) in f64,
    /// rounded once to f32. Float weights, and the quantized types without an integer kernel
    /// (`DType.hasQ8Kernel`), take the f32 `matmul`.
    public static func matmulQ8(_ op: MatmulOp, x: [Float], weights: [UInt8]) throws -> [Float] {
        guard op.weightType.hasQ8Kernel else { return try matmul(op, x: x, weights: weights) }
        try op.validate(x: byteSize(x), weights: weights.count, y: 4 * (op.yOffset + op.rows * op.n))
        let rowBytes = op.weightType.rowBytes(op.k), blockBytes = op.weightType.blockBytes
        let rows = (0..<op.rows).map { r in quantizeQ8(x[op.xOffset + r * op.k ..< op.xOffset + (r + 1) * op.k]) }
        var y = [Float](repeating: 0, count: op.rows * op.n)   // [rows, n]
        for j in 0..<op.n {
            for (r, row) in rows.enumerated() {
                var total = 0.0
                for b in 0 ..< op.k / 32 {
                    let block = weights[j * rowBytes + b * blockBytes ..< j * rowBytes + (b + 1) * blockBytes]
                    let (dw, mw, qw) = integerBlock(op.weightType, Array(block))
                    let sum = (0..<32).reduce(0) { $0 + qw[$1] * Int(row.q[32 * b + $1]) }
                    total += Double(dw) * Double(row.d[b]) * Double(sum) + Double(mw) * Double(row.s[b])
                }
                y[r * op.n + j] = Float(total)
            }
        }
        return y
    }

    /// A weight block as (d, m, integer weights): w = d·q + m (m = 0 but for q4_1; q4_0's and q5_0's q already have
    /// 8 and 16 taken off).
    static func integerBlock(_ type: DType, _ block: [UInt8]) -> (Float, Float, [Int]) {
        let d = halfToFloat(UInt16(block[0]) | UInt16(block[1]) << 8)
        switch type {
        case .q4_0:
            let nibbles = block[2..<18]
            return (d, 0, nibbles.map { Int($0 & 15) - 8 } + nibbles.map { Int($0 >> 4) - 8 })
        case .q4_1:
            let m = halfToFloat(UInt16(block[2]) | UInt16(block[3]) << 8)
            let nibbles = block[4..<20]
            return (d, m, nibbles.map { Int($0 & 15) } + nibbles.map { Int($0 >> 4) })
        case .q5_0:
            let qh = (0..<4).reduce(0) { $0 | Int(block[2 + $1]) << (8 * $1) }
            let nibbles = block[6..<22]
            let low = nibbles.enumerated().map { j, byte in (Int(byte & 15) | (qh >> j & 1) << 4) - 16 }
            let high = nibbles.enumerated().map { j, byte in (Int(byte >> 4) | (qh >> (j + 16) & 1) << 4) - 16 }
            return (d, 0, low + high)
        case .q8_0:
            return (d, 0, block[2..<34].map { Int(Int8(bitPattern: $0)) })
        case .f32, .f16, .q5_1, .q4_k, .q5_k, .q6_k, .q8_k:
            preconditionFailure("integerBlock: \(type) has no integer kernel")
        }
    }
}
