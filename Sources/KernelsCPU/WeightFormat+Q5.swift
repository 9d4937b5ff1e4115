/// The 5-bit formats: q4_0 / q4_1's nibbles plus a fifth bit per weight from a 32-bit mask (bit j: weight j).

/// The fifth bits of a block's 16 weights from bit `shift` of `qh` on (0: weights 0..<16, 16: weights 16..<32), as
/// 16.0 or 0.0 per lane: a compare in 32-bit lanes whose all-ones result is masked to 16.0's bit pattern. (Spreading
/// the bits over byte lanes needed a per-lane byte shift or a shuffle, which compiled to scalar code.)
@inline(__always)
func fifthBits(_ qh: UInt32, from shift: UInt32) -> SIMD16<Float> {
    let masks = SIMD16<UInt32>(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
                               1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15)
    let set = (SIMD16<UInt32>(repeating: qh >> shift) & masks) .== masks
    return unsafeBitCast(unsafeBitCast(set, to: SIMD16<UInt32>.self) & Float(16).bitPattern, to: SIMD16<Float>.self)
}

/// [f16 d][u32 qh][16 bytes, nibbles as q4_0]: w = d·((nibble | bit << 4) − 16).
enum Q5_0Weights: SymmetricWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 22 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        let packed = block.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self)
        // Integers in f32: every sum is exact.
        return ScaledBlock(low: floats(packed & 0x0F) + fifthBits(qh, from: 0) - 16,
                           high: floats(packed &>> 4) + fifthBits(qh, from: 16) - 16,
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)), m: 0)
    }
}

/// [f16 d][f16 m][u32 qh][16 bytes, nibbles as q4_0]: w = d·(nibble | bit << 4) + m.
enum Q5_1Weights: BlockWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 24 }
    static var needsBlockSums: Bool { true }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let qh = block.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let packed = block.loadUnaligned(fromByteOffset: 8, as: SIMD16<UInt8>.self)
        return ScaledBlock(low: floats(packed & 0x0F) + fifthBits(qh, from: 0),
                           high: floats(packed &>> 4) + fifthBits(qh, from: 16),
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)),
                           m: halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
    }
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateWithMin(block, x: x, xBlockSum: xBlockSum, into: &acc)
    }
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        storeWithMin(decode(block), into: out)
    }
}
