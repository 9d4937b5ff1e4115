/// IEEE half -> f32 for one value. Where the platform has Float16 this is one instruction (vcvtph2ps with F16C);
/// Intel macOS lacks Float16, so there the bits are converted by hand: shifting the 15 magnitude bits into f32
/// position and multiplying by 2^112 rebiases the exponent from 15 to 127 and turns half subnormals into the right
/// f32 normals; only inf/NaN (half exponent 31) need fixing up.
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
#if (os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64)
    let bits = UInt32(h)
    let sign = (bits & 0x8000) << 16
    if bits & 0x7C00 == 0x7C00 { return Float(bitPattern: sign | 0x7F80_0000 | (bits & 0x03FF) << 13) }
    return Float(bitPattern: sign | (Float(bitPattern: (bits & 0x7FFF) << 13) * 0x1p112).bitPattern)
#else
    return Float(Float16(bitPattern: h))
#endif
}

/// 16 halves at once by the bit method above, branch- and select-free (both compile to out-of-line code on SIMD16): inf/NaN lanes get
/// their all-ones exponent OR-ed in through an integer mask. The rebias leaves such a lane with exponent 143,
/// whose bits are a subset of 0x7F800000, so the OR yields exactly inf or NaN with the fraction kept.
@inline(__always)
func halfToFloat(_ h: SIMD16<UInt16>) -> SIMD16<Float> {
    let bits = SIMD16<UInt32>(
        UInt32(h[0]), UInt32(h[1]), UInt32(h[2]), UInt32(h[3]), UInt32(h[4]), UInt32(h[5]), UInt32(h[6]), UInt32(h[7]),
        UInt32(h[8]), UInt32(h[9]), UInt32(h[10]), UInt32(h[11]), UInt32(h[12]), UInt32(h[13]), UInt32(h[14]), UInt32(h[15]))
    let sign = (bits & 0x8000) &<< 16
    let magnitude = unsafeBitCast((bits & 0x7FFF) &<< 13, to: SIMD16<Float>.self) * 0x1p112
    let exponent = (bits &>> 10) & 0x1F
    let special = SIMD16<UInt32>(repeating: 0) &- ((exponent &+ 1) &>> 5)   // all ones where exponent == 31
    let result = unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | sign | (special & 0x7F80_0000)
    return unsafeBitCast(result, to: SIMD16<Float>.self)
}

/// Σ lanes in a fixed pairwise order (halves, then halves, then the last four), inlined: the stdlib's `sum()` is
/// an out-of-line call on SIMD16.
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    return (four[0] + four[2]) + (four[1] + four[3])
}
