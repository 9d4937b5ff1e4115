import TestSupport
import KernelsReference
import Testing

/// The written-out half conversions against the platform's Float16.
@Suite struct HalfTests {
    @Test func everyHalfWidensExactly() {
        for bits in 0...UInt16.max {
            let ours = Reference.halfToFloat(bits)
            let platform = Float(Float16(bitPattern: bits))
            if platform.isNaN {
                #expect(ours.isNaN, "half 0x\(String(bits, radix: 16)) should be NaN")
            } else {
                #expect(ours.bitPattern == platform.bitPattern, "half 0x\(String(bits, radix: 16)): \(ours) vs \(platform)")
            }
        }
    }

    @Test func everyHalfRoundTrips() {
        for bits in 0...UInt16.max where !Float16(bitPattern: bits).isNaN {
            #expect(Reference.floatToHalf(Reference.halfToFloat(bits)) == bits)
        }
    }

    @Test func narrowingRoundsLikeFloat16() {
        var rng = SeededRandom(seed: 1)
        // Random bit patterns cover every exponent; the listed values hit ties, overflow and subnormal edges.
        let edges: [Float] = [0, -0, 1, 65504, 65519.99, 65520, 1e9, -1e9, .infinity, -.infinity,
                              6.1035156e-05, 6.0975552e-05, 5.9604645e-08, 2.9802322e-08, 2.9802326e-08, 8.9406967e-08,
                              1 + 0x1p-11, 1 + 0x1p-11 + 0x1p-23, 1 + 3 * 0x1p-11, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let randomValues = (0..<200_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)) }
        for value in edges + randomValues where !value.isNaN {
            let ours = Reference.floatToHalf(value), platform = Float16(value).bitPattern
            #expect(ours == platform, "\(value): 0x\(String(ours, radix: 16)) vs 0x\(String(platform, radix: 16))")
        }
    }

    @Test func nanStaysNaN() {
        for value in [Float.nan, -Float.nan, Float.signalingNaN, Float(bitPattern: 0x7F80_0001)] {
            #expect(Float16(bitPattern: Reference.floatToHalf(value)).isNaN)
        }
    }
}
