/// IEEE half -> f32 without the platform's Float16 (missing on Intel macOS) and without a branch per lane:
/// shifting the 15 magnitude bits into f32 position and multiplying by 2^112 rebiases the exponent from 15 to 127
/// and turns half subnormals into the right f32 normals; only inf/NaN (half exponent 31) need fixing up.
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let bits = UInt32(h)
    let sign = (bits & 0x8000) << 16
    if bits & 0x7C00 == 0x7C00 { return Float(bitPattern: sign | 0x7F80_0000 | (bits & 0x03FF) << 13) }
    return Float(bitPattern: sign | (Float(bitPattern: (bits & 0x7FFF) << 13) * 0x1p112).bitPattern)
}

/// The same on 16 lanes.
@inline(__always)
func halfToFloat(_ h: SIMD16<UInt16>) -> SIMD16<Float> {
    let bits = SIMD16<UInt32>(truncatingIfNeeded: h)
    let sign = (bits & 0x8000) &<< 16
    let magnitude = unsafeBitCast((bits & 0x7FFF) &<< 13, to: SIMD16<Float>.self) * 0x1p112
    var result = unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | sign
    let special = (bits & 0x7C00) .== 0x7C00
    result.replace(with: sign | 0x7F80_0000 | ((bits & 0x03FF) &<< 13), where: special)
    return unsafeBitCast(result, to: SIMD16<Float>.self)
}
