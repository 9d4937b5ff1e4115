/// A small, fast, deterministic random number generator (Steele, Lea and Flood's SplitMix64).
///
/// The one copy in the package: kernel cases draw every input from it, seeded from the case name, so a case builds
/// bit-identical inputs on every backend, run and machine; the sampler seeds its generator with it; the tests draw
/// their inputs from it. The float helpers convert bits themselves instead of calling `Float.random(in:using:)`,
/// whose algorithm the standard library may change between releases.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Seeds from a string (FNV-1a over its UTF-8 bytes), so each named case gets its own stable stream.
    public init(seed text: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        state = hash
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits: every value is exactly representable as a Float.
    public mutating func unit() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [lower, upper).
    public mutating func uniform(_ lower: Float, _ upper: Float) -> Float { lower + (upper - lower) * unit() }

    /// `count` values uniform in [lower, upper).
    public mutating func floats(_ count: Int, _ lower: Float = -1, _ upper: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lower, upper) }
    }

    /// Uniform in 0..<bound, without modulo bias (Lemire's multiply-shift with rejection).
    public mutating func index(_ bound: Int) -> Int {
        precondition(bound > 0, "SplitMix64.index needs a positive bound")
        let b = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: b)
            if product.low >= (0 &- b) % b { return Int(product.high) }
        }
    }
}
