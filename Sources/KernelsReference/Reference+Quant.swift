import Kernels

/// GGUF block formats decoded the way ggml (and the `gguf` Python package) decode them: each weight is one f32
/// expression evaluated in f32, so the results match theirs bit for bit (tests check this against a gguf fixture).
///
/// q8_0: [f16 d][32 × int8 q]           w = d·q
/// q4_0: [f16 d][16 bytes]               byte j = weight j (low nibble) | weight j+16 (high nibble); w = d·(q − 8)
/// q4_1: [f16 d][f16 m][16 bytes]        same nibble order; w = d·q + m (two f32 roundings, no fused multiply-add)
/// q5_0: [f16 d][u32 qh][16 bytes]       q = nibble | (bit j of qh) << 4; w = d·(q − 16)
/// q5_1: [f16 d][f16 m][u32 qh][16 bytes] w = d·q + m (two roundings)
/// q4_k, q5_k: 256 weights, 8 sub-blocks of 32 with 6-bit scales and mins; w = (d·sc)·q − (dmin·m), each
///       product rounded to f32, then the difference (gguf's `d * qs - dm`)
/// q6_k: 256 weights, 16 int8 scales; w = (d·scale)·(q − 32)   q8_k: [f32 d][256 × int8][16 × int16]; w = d·q
/// (DType's doc comment has the bit layouts.)
/// f16:  IEEE half per weight.           f32: the value itself.
extension Reference {
    /// Decodes the first `count` weights of `bytes` (little-endian blocks of `type`). `count` must be a whole
    /// number of blocks and `bytes` must hold them.
    public static func dequantize(_ type: DType, _ bytes: [UInt8], count: Int) throws -> [Float] {
        try type.checkRowLength(count, op: "dequantize")
        try requireBytes(bytes.count, type.rowBytes(count), op: "dequantize", operand: "bytes")
        return dequantize(type, bytes[...], count: count)
    }

    /// The same, on a slice whose first byte is the first block (used for one weight row at a time).
    static func dequantize(_ type: DType, _ bytes: ArraySlice<UInt8>, count: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count)
        let base = bytes.startIndex
        func byte(_ i: Int) -> UInt8 { bytes[base + i] }
        func half(_ i: Int) -> Float { halfToFloat(UInt16(byte(i)) | UInt16(byte(i + 1)) << 8) }

        switch type {
        case .f32:
            for i in 0..<count {
                let word = UInt32(byte(4 * i)) | UInt32(byte(4 * i + 1)) << 8
                    | UInt32(byte(4 * i + 2)) << 16 | UInt32(byte(4 * i + 3)) << 24
                out.append(Float(bitPattern: word))
            }
        case .f16:
            for i in 0..<count { out.append(half(2 * i)) }
        case .q8_0:
            for block in 0..<count / 32 {
                let start = block * 34
                let d = half(start)
                for j in 0..<32 { out.append(d * Float(Int8(bitPattern: byte(start + 2 + j)))) }
            }
        case .q4_0:
            for block in 0..<count / 32 {
                let start = block * 18
                let d = half(start)
                let q = nibbles(bytes, from: base + start + 2)
                for j in 0..<32 { out.append(d * Float(Int(q[j]) - 8)) }
            }
        case .q4_1:
            for block in 0..<count / 32 {
                let start = block * 20
                let d = half(start), m = half(start + 2)
                let q = nibbles(bytes, from: base + start + 4)
                for j in 0..<32 {
                    let scaled = d * Float(q[j])   // rounded to f32 before adding m, as ggml does
                    out.append(scaled + m)
                }
            }
        case .q5_0, .q5_1:
            let hasMin = type == .q5_1
            for block in 0..<count / 32 {
                let start = block * type.blockBytes
                let d = half(start), m: Float = hasMin ? half(start + 2) : 0
                let qhAt = start + (hasMin ? 4 : 2)
                let qh = (0..<4).reduce(UInt32(0)) { $0 | UInt32(byte(qhAt + $1)) << (8 * $1) }
                let low = nibbles(bytes, from: base + qhAt + 4)
                for j in 0..<32 {
                    let q = Int(low[j]) | Int((qh >> j) & 1) << 4
                    out.append(hasMin ? d * Float(q) + m : d * Float(q - 16))
                }
            }
        case .q4_k, .q5_k:
            for block in 0..<count / 256 {
                let start = block * type.blockBytes
                let d = half(start), dmin = half(start + 2)
                let scales = (0..<12).map { byte(start + 4 + $0) }
                let qhAt = start + 16, qsAt = start + (type == .q5_k ? 48 : 16)
                for sub in 0..<8 {
                    let (sc, m) = kScaleMin(scales, sub)
                    let scale = d * Float(sc), minimum = dmin * Float(m)   // each rounded to f32
                    for l in 0..<32 {
                        let packed = byte(qsAt + 32 * (sub / 2) + l)
                        var q = Int(sub % 2 == 0 ? packed & 0x0F : packed >> 4)
                        if type == .q5_k { q |= Int((byte(qhAt + l) >> sub) & 1) << 4 }
                        out.append(scale * Float(q) - minimum)
                    }
                }
            }
        case .q6_k:
            for block in 0..<count / 256 {
                let start = block * 210
                let d = half(start + 208)
                for i in 0..<256 {
                    let h = i / 128, g = (i % 128) / 32, l = i % 32
                    let packed = byte(start + 64 * h + 32 * (g & 1) + l)
                    let low = Int(g < 2 ? packed & 0x0F : packed >> 4)
                    let high = Int((byte(start + 128 + 32 * h + l) >> (2 * g)) & 3)
                    let scale = d * Float(Int8(bitPattern: byte(start + 192 + i / 16)))   // rounded to f32
                    out.append(scale * Float((low | high << 4) - 32))
                }
            }
        case .q8_k:
            for block in 0..<count / 256 {
                let start = block * 292
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(byte(start + $1)) << (8 * $1) }
                let d = Float(bitPattern: bits)
                for j in 0..<256 { out.append(d * Float(Int8(bitPattern: byte(start + 4 + j)))) }
            }
        }
        return out
    }

    /// Sub-block `j`'s 6-bit scale and min in a q4_k / q5_k block's 12 scale bytes (ggml's get_scale_min_k4).
    public static func kScaleMin(_ scales: [UInt8], _ j: Int) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (scales[j] & 63, scales[j + 4] & 63) }
        return ((scales[j + 4] & 0x0F) | (scales[j - 4] >> 6) << 4, (scales[j + 4] >> 4) | (scales[j] >> 6) << 4)
    }

    /// The 32 4-bit values of a q4 block's 16 bytes, in weight order: low nibbles are weights 0..<16,
    /// high nibbles weights 16..<32.
    static func nibbles(_ bytes: ArraySlice<UInt8>, from start: Int) -> [UInt8] {
        let packed = bytes[start ..< start + 16]
        return packed.map { $0 & 0x0F } + packed.map { $0 >> 4 }
    }
}
