import Kernels

// Seeded inputs in the formats the kernels read. Quantized weights are drawn directly as random blocks (random
// scales, random codes over their full range) rather than by quantizing floats: every code and sign appears, and no
// quantizer is needed to build a case.

extension SplitMix64 {
    /// A weight matrix [rows, k] in `dtype`'s GGUF layout, as raw little-endian bytes (`dtype.rowBytes(k)` per row).
    /// Values stay within about ±1 so products with ±1 activations keep a moderate range.
    public mutating func weights(_ dtype: DType, rows: Int, k: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows * dtype.rowBytes(k))
        switch dtype {
        case .f32:
            for _ in 0..<(rows * k) { append(uniform(-1, 1).bitPattern, to: &bytes) }
        case .f16:
            for _ in 0..<(rows * k) { append(Float16(uniform(-1, 1)).bitPattern, to: &bytes) }
        case .q8_0:
            for _ in 0..<(rows * k / 32) {
                append(blockScale(0.002, 0.008), to: &bytes)                         // d, may be negative
                for _ in 0..<32 { bytes.append(UInt8(truncatingIfNeeded: next())) }   // q: int8, all of -128...127
            }
        case .q4_0:
            for _ in 0..<(rows * k / 32) {
                append(blockScale(0.02, 0.12), to: &bytes)                           // d
                for _ in 0..<16 { bytes.append(UInt8(truncatingIfNeeded: next())) }   // two 4-bit codes per byte
            }
        case .q4_1:
            for _ in 0..<(rows * k / 32) {
                append(Float16(uniform(0.01, 0.06)).bitPattern, to: &bytes)           // d >= 0, as ggml writes it
                append(Float16(uniform(-0.5, 0)).bitPattern, to: &bytes)              // m: the block minimum
                for _ in 0..<16 { bytes.append(UInt8(truncatingIfNeeded: next())) }
            }
        case .q5_0:
            for _ in 0..<(rows * k / 32) {
                append(blockScale(0.01, 0.06), to: &bytes)                           // d
                randomBytes(20, to: &bytes)                                          // qh, then 16 nibble pairs
            }
        case .q5_1:
            for _ in 0..<(rows * k / 32) {
                append(Float16(uniform(0.005, 0.03)).bitPattern, to: &bytes)          // d >= 0
                append(Float16(uniform(-0.5, 0)).bitPattern, to: &bytes)              // m
                randomBytes(20, to: &bytes)
            }
        case .q4_k, .q5_k:
            // w = (d·sc)·q − dmin·min with 6-bit sc and min: every scale bit pattern appears.
            let codeBound: Float = dtype == .q4_k ? 15 : 31
            for _ in 0..<(rows * k / 256) {
                append(Float16(uniform(0.5, 1) / (63 * codeBound)).bitPattern, to: &bytes)   // d
                append(Float16(uniform(0.004, 0.008)).bitPattern, to: &bytes)                // dmin
                randomBytes(12 + (dtype == .q5_k ? 32 : 0) + 128, to: &bytes)                // scales, (qh), qs
            }
        case .q6_k:
            for _ in 0..<(rows * k / 256) {
                randomBytes(128 + 64 + 16, to: &bytes)                   // ql, qh, int8 scales (all of -128...127)
                append(blockScale(0.0001, 0.0003), to: &bytes)           // d: |w| <= d·128·32, about 1
            }
        case .q8_k:
            for _ in 0..<(rows * k / 256) {
                let d = uniform(0.002, 0.008)
                append((next() & 1 == 0 ? d : -d).bitPattern, to: &bytes)
                let q = (0..<256).map { _ in Int8(truncatingIfNeeded: next()) }
                bytes += q.map { UInt8(bitPattern: $0) }
                // bsums as ggml writes them: the sum of each 16 codes.
                for group in 0..<16 { append(Int16(q[16 * group ..< 16 * group + 16].reduce(0) { $0 + Int($1) }), to: &bytes) }
            }
        }
        return bytes
    }

    private mutating func randomBytes(_ count: Int, to bytes: inout [UInt8]) {
        for _ in 0..<count { bytes.append(UInt8(truncatingIfNeeded: next())) }
    }

    /// Distinct random indices in 0..<bound, in random order (a partial Fisher-Yates shuffle).
    public mutating func distinctIndices(_ count: Int, below bound: Int) -> [Int] {
        precondition(count <= bound, "cannot draw \(count) distinct indices below \(bound)")
        var pool = Array(0..<bound)
        for i in 0..<count { pool.swapAt(i, i + index(bound - i)) }
        return Array(pool[0..<count])
    }

    /// A unit vector of `width` floats (normalised in f64), e.g. a Spherical prototype.
    public mutating func unitVector(_ width: Int) -> [Float] {
        let raw = floats(width)
        let norm = raw.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return raw.map { Float(Double($0) / norm) }
    }

    /// An f16 block scale with magnitude in [lower, upper) and a random sign.
    private mutating func blockScale(_ lower: Float, _ upper: Float) -> UInt16 {
        let magnitude = uniform(lower, upper)
        return Float16(next() & 1 == 0 ? magnitude : -magnitude).bitPattern
    }
}

private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}
