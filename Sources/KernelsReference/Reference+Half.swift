/// IEEE 754 binary16 <-> binary32, written out bit by bit so the reference does not lean on the platform's
/// `Float16` (absent on some targets, and the thing the tests compare against).
///
/// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. Exponent 0 holds zero and subnormals
/// (value = fraction * 2^-24), exponent 31 holds inf (fraction 0) and NaN.
extension Reference {
    /// The exact f32 value of a half (every half is representable in f32). NaN payloads are kept (shifted up).
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction * 2^-24 is exact in f32 (at most 10 significant bits).
            let magnitude = Float(fraction) * 0x1p-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        case 31:
            // inf or NaN: all-ones f32 exponent, fraction moved to the top of f32's 23 bits.
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        default:
            // Normal: rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (fraction << 13))
        }
    }

    /// The nearest half to an f32, ties to even; overflow gives inf, NaN stays NaN (quiet, payload's top bits kept).
    public static func floatToHalf(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let fraction = bits & 0x007F_FFFF

        if exponent == 0xFF {
            if fraction == 0 { return sign | 0x7C00 }                        // inf
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: fraction >> 13) // quiet NaN
        }
        // The value is significand * 2^(exponent - 127 - 23) with the implicit bit made explicit.
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7C00 }                              // beyond every finite half
        if unbiased >= -14 {
            // Normal half: keep 10 of 23 fraction bits, round the 13 dropped bits to nearest, ties to even.
            // A carry out of the fraction bumps the exponent, and past 30 that correctly yields inf (0x7C00).
            let halfBits = UInt32(unbiased + 15) << 10 | (fraction >> 13)
            return sign | UInt16(roundShifted(halfBits << 13 | (fraction & 0x1FFF), by: 13))
        }
        // Subnormal half (or zero): the value in units of 2^-24 is significand * 2^(unbiased + 24 - 23).
        // Shifts of more than 24 leave less than half a unit: the result rounds to (signed) zero.
        if unbiased < -25 { return sign }
        let significand = (exponent == 0 ? fraction : fraction | 0x0080_0000)
        let shift = 23 - (unbiased + 24)   // 14...24 here
        return sign | UInt16(roundShifted(significand, by: UInt32(shift)))
    }

    /// value >> shift, rounded to nearest with ties to even.
    private static func roundShifted(_ value: UInt32, by shift: UInt32) -> UInt32 {
        let kept = value >> shift
        let dropped = value & ((1 << shift) - 1)
        let half = UInt32(1) << (shift - 1)
        if dropped > half || (dropped == half && kept & 1 == 1) { return kept + 1 }
        return kept
    }
}
