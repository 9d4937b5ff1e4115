/// SplitMix64 with the standard library's float sampling: the unit tests' inputs, the same on every run and machine.
/// (The kernel cases draw theirs from `SplitMix64`, whose float mapping is exact in f32.)
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` floats uniform in [-scale, scale).
    public mutating func floats(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale..<scale, using: &self) }
    }

    /// A random unit vector of `width` floats.
    public mutating func unitVector(_ width: Int) -> [Float] {
        let v = floats(width)
        let length = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return v.map { Float(Double($0) / length) }
    }
}
