/// The 5-bit formats: q4_0 / q4_1's nibbles plus a fifth bit per weight from a 32-bit mask (bit j: weight j).

/// The fifth bits of a block's weights 0..<16 and 16..<32, each as 0 or 16 in a byte lane, from the mask `qh`.
/// Each lane tests its bit with a per-lane mask and a compare: x86 has no per-lane byte shift, so `bytes &>> shifts`
/// compiled to one shift per lane (q5_0 decode ran at a third of q4_0's speed).
@inline(__always)
func fifthBits(_ qh: UInt32) -> (low: SIMD16<UInt8>, high: SIMD16<UInt8>) {
    let masks = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
    func spread(_ shift: UInt32) -> SIMD16<UInt8> {
        let bytes = SIMD16<UInt8>(lowHalf: SIMD8(repeating: UInt8(truncatingIfNeeded: qh >> shift)),
                                  highHalf: SIMD8(repeating: UInt8(truncatingIfNeeded: qh >> (shift + 8))))
        return bytesOfMask((bytes & masks) .== masks) & 16
    }
    return (spread(0), spread(16))
}

/// [f16 d][u32 qh][16 bytes, nibbles as q4_0]: w = d·((nibble | bit << 4) − 16).
enum Q5_0Weights: SymmetricWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 22 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let bits = fifthBits(block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        let packed = block.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self)
        return ScaledBlock(low: floats((packed & 0x0F) | bits.low) - 16, high: floats((packed &>> 4) | bits.high) - 16,
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)), m: 0)
    }
}

/// [f16 d][f16 m][u32 qh][16 bytes, nibbles as q4_0]: w = d·(nibble | bit << 4) + m.
enum Q5_1Weights: BlockWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 24 }
    static var needsBlockSums: Bool { true }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let bits = fifthBits(block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let packed = block.loadUnaligned(fromByteOffset: 8, as: SIMD16<UInt8>.self)
        return ScaledBlock(low: floats((packed & 0x0F) | bits.low), high: floats((packed &>> 4) | bits.high),
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
