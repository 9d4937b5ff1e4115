import Kernels

/// GGUF block formats decoded the way ggml (and the `gguf` Python package) decode them: each weight is one f32
/// expression evaluated in f32, so the results match theirs bit for bit (tests check this against a gguf fixture).
///
/// q8_0: [f16 d][32 × int8 q]           w = d·q
/// q4_0: [f16 d][16 bytes]               byte j = weight j (low nibble) | weight j+16 (high nibble); w = d·(q − 8)
/// q4_1: [f16 d][f16 m][16 bytes]        same nibble order; w = d·q + m (two f32 roundings, no fused multiply-add)
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
        }
        return out
    }

    /// The 32 4-bit values of a q4 block's 16 bytes, in weight order: low nibbles are weights 0..<16,
    /// high nibbles weights 16..<32.
    static func nibbles(_ bytes: ArraySlice<UInt8>, from start: Int) -> [UInt8] {
        let packed = bytes[start ..< start + 16]
        return packed.map { $0 & 0x0F } + packed.map { $0 >> 4 }
    }
}
