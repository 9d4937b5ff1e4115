/// The K types: 256-weight super-blocks, read by the matmul kernels 32 weights (one sub-block `b`) at a time with
/// that sub-block's own scales, so each sub-block is decoded once and used for every row of a tile, as the other
/// formats' blocks are. DType's doc comment has the bit layouts.
///
/// Byte vectors are shifted by constants only (`shiftRight`) and single bits tested with masks: x86 has no per-byte
/// shift, and a shift by a run-time amount compiled to one instruction per lane.

/// v >> amount in every byte lane, for the amounts the formats use (0, 2, 4, 6), each a constant shift.
@inline(__always)
func shiftRight(_ v: SIMD16<UInt8>, _ amount: Int) -> SIMD16<UInt8> {
    switch amount {
    case 0: return v
    case 2: return v &>> 2
    case 4: return v &>> 4
    default: return v &>> 6
    }
}

/// 16 where `bits` has the bit `mask` set, else 0, in every byte lane.
@inline(__always)
func fifthBit(_ bits: SIMD16<UInt8>, mask: UInt8) -> SIMD16<UInt8> {
    bytesOfMask((bits & mask) .== SIMD16(repeating: mask)) & 16
}

/// A lane mask as bytes, 0xFF where true: the compare's own result (pcmpeqb). `replacing(with:where:)` compiled to
/// a per-lane loop.
@inline(__always)
func bytesOfMask(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD16<UInt8> {
    unsafeBitCast(mask, to: SIMD16<UInt8>.self)
}

/// Sub-block `j`'s 6-bit scale and min from a q4_k / q5_k super-block's 12 scale bytes at `scales`
/// (ggml's get_scale_min_k4).
@inline(__always)
func kScaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: Float, min: Float) {
    func byte(_ i: Int) -> UInt8 { scales.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 { return (Float(byte(j) & 63), Float(byte(j + 4) & 63)) }
    return (Float((byte(j + 4) & 0x0F) | (byte(j - 4) >> 6) << 4), Float((byte(j + 4) >> 4) | (byte(j) >> 6) << 4))
}

/// d·sc and −dmin·min of sub-block `j` of the q4_k / q5_k super-block at `superBlock`, each product rounded to f32
/// as gguf rounds them.
@inline(__always)
func kSubBlockScales(_ superBlock: UnsafeRawPointer, _ j: Int) -> (d: Float, m: Float) {
    let (scale, min) = kScaleMin(superBlock + 4, j)
    let d = halfToFloat(superBlock.loadUnaligned(as: UInt16.self))
    let dmin = halfToFloat(superBlock.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
    return (d * scale, -(dmin * min))
}

/// [f16 d][f16 dmin][12 scale bytes][128 bytes: sub-blocks 2c and 2c+1 in the low and high nibbles of bytes
/// 32c..<32c+32]: w = (d·sc)·q − dmin·min.
enum Q4_KWeights: WeightFormat {
    static var hasTail: Bool { false }
    static var needsBlockSums: Bool { true }
    @inline(__always) static func decode(_ row: UnsafeRawPointer, block b: Int) -> ScaledBlock {
        let superBlock = row + (b >> 3) * 144, j = b & 7
        let codes = superBlock + 16 + 32 * (j >> 1)
        let shift = 4 * (j & 1)
        let low = shiftRight(codes.loadUnaligned(as: SIMD16<UInt8>.self), shift) & 0x0F
        let high = shiftRight(codes.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), shift) & 0x0F
        let (d, m) = kSubBlockScales(superBlock, j)
        return ScaledBlock(low: floats(low), high: floats(high), d: d, m: m)
    }
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateWithMin(block, x: x, xBlockSum: xBlockSum, into: &acc)
    }
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>) {
        storeWithMin(decode(row, block: b), into: out)
    }
}

/// [f16 d][f16 dmin][12 scale bytes][32 bytes qh: bit j of byte l is weight l of sub-block j's fifth bit]
/// [128 bytes of nibbles as q4_k]: w = (d·sc)·(nibble | bit << 4) − dmin·min.
enum Q5_KWeights: WeightFormat {
    static var hasTail: Bool { false }
    static var needsBlockSums: Bool { true }
    @inline(__always) static func decode(_ row: UnsafeRawPointer, block b: Int) -> ScaledBlock {
        let superBlock = row + (b >> 3) * 176, j = b & 7
        let codes = superBlock + 48 + 32 * (j >> 1)
        let shift = 4 * (j & 1), mask = UInt8(1) << j
        let highBits = superBlock + 16
        let low = (shiftRight(codes.loadUnaligned(as: SIMD16<UInt8>.self), shift) & 0x0F)
            | fifthBit(highBits.loadUnaligned(as: SIMD16<UInt8>.self), mask: mask)
        let high = (shiftRight(codes.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), shift) & 0x0F)
            | fifthBit(highBits.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), mask: mask)
        let (d, m) = kSubBlockScales(superBlock, j)
        return ScaledBlock(low: floats(low), high: floats(high), d: d, m: m)
    }
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateWithMin(block, x: x, xBlockSum: xBlockSum, into: &acc)
    }
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>) {
        storeWithMin(decode(row, block: b), into: out)
    }
}

/// A q6_k sub-block of 32: codes (q − 32) as floats and the scale d·scale of each half (16 weights per scale).
struct TwoScaleBlock {
    var low: SIMD16<Float>
    var high: SIMD16<Float>
    var dLow: Float
    var dHigh: Float
}

/// [128 bytes ql][64 bytes qh][16 × int8 scales][f16 d]. Sub-block b = 4h + g of a super-block (h: which 128,
/// g < 4): weight l's low bits are nibble g >> 1 of ql[64h + 32(g & 1) + l], its high two bits bits 2g, 2g+1 of
/// qh[32h + l]; w = (d·scale)·(q − 32), scale = scales[2b] for l < 16, scales[2b + 1] above.
enum Q6_KWeights: WeightFormat {
    static var hasTail: Bool { false }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ row: UnsafeRawPointer, block b: Int) -> TwoScaleBlock {
        let superBlock = row + (b >> 3) * 210, j = b & 7
        let h = j >> 2, g = j & 3
        let lowBits = superBlock + 64 * h + 32 * (g & 1), highBits = superBlock + 128 + 32 * h
        let shift = 4 * (g >> 1), highShift = 2 * g
        let low = (shiftRight(lowBits.loadUnaligned(as: SIMD16<UInt8>.self), shift) & 0x0F)
            | ((shiftRight(highBits.loadUnaligned(as: SIMD16<UInt8>.self), highShift) & 3) &<< 4)
        let high = (shiftRight(lowBits.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), shift) & 0x0F)
            | ((shiftRight(highBits.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), highShift) & 3) &<< 4)
        let d = halfToFloat(superBlock.loadUnaligned(fromByteOffset: 208, as: UInt16.self))
        let scales = superBlock + 192 + 2 * j
        return TwoScaleBlock(low: floats(low) - 32, high: floats(high) - 32,
                             dLow: d * Float(scales.load(as: Int8.self)),
                             dHigh: d * Float(scales.load(fromByteOffset: 1, as: Int8.self)))
    }
    @inline(__always) static func accumulate(_ block: TwoScaleBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        acc.low.madd(block.dLow, block.low * loadFloats(x))
        acc.high.madd(block.dHigh, block.high * loadFloats(x + 16))
    }
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>) {
        let block = decode(row, block: b)
        UnsafeMutableRawPointer(out).storeBytes(of: block.low * block.dLow, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(out + 16).storeBytes(of: block.high * block.dHigh, as: SIMD16<Float>.self)
    }
}

/// [f32 d][256 × int8 q][16 × int16 bsums, unused here]: w = d·q.
enum Q8_KWeights: WeightFormat {
    static var hasTail: Bool { false }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ row: UnsafeRawPointer, block b: Int) -> ScaledBlock {
        let superBlock = row + (b >> 3) * 292
        let codes = superBlock + 4 + 32 * (b & 7)
        return ScaledBlock(low: floats(codes.loadUnaligned(as: SIMD16<Int8>.self)),
                           high: floats(codes.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self)),
                           d: superBlock.loadUnaligned(as: Float.self), m: 0)
    }
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateScaled(block, x: x, into: &acc)
    }
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>) {
        let block = decode(row, block: b)
        UnsafeMutableRawPointer(out).storeBytes(of: block.low * block.d, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(out + 16).storeBytes(of: block.high * block.d, as: SIMD16<Float>.self)
    }
}
