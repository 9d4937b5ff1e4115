import Kernels

/// `SplitMix64` with the standard library's float sampling: the unit tests' inputs, the same on every run and
/// machine. (The kernel cases use `SplitMix64`'s own float mapping, which is exact in f32.)
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var bits: SplitMix64
    public init(seed: UInt64) { bits = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { bits.next() }

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
