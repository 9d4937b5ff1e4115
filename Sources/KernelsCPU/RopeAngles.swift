import Foundation

/// The rotary angles of GGML NORM-mode RoPE and the rotation itself, shared by `rope` and `ropeStore` so the two give
/// the same bits. Pair i at position p turns by p · freqScale · freqBase^(−2i/nRot), computed in f64 and then rounded
/// (an f32 angle at position 10⁴ would be off by ~10⁻³ rad).
struct RopeAngles {
    /// Rotated pairs per head.
    let pairs: Int
    /// freqBase^(−2i/nRot) per pair, shared by every row.
    let inverseFrequencies: [Double]
    let freqScale: Double

    init(nRot: Int, freqBase: Float, freqScale: Float) {
        pairs = nRot / 2
        inverseFrequencies = (0..<nRot / 2).map { pow(Double(freqBase), -2 * Double($0) / Double(nRot)) }
        self.freqScale = Double(freqScale)
    }

    /// Floats of a table: [pairs] cos, then [pairs] sin.
    var tableCount: Int { 2 * pairs }

    /// Writes the cos and sin of every pair's angle at `position` into `table`.
    func fill(_ table: UnsafeMutablePointer<Float>, position: Int32) {
        let scaledPosition = Double(position) * freqScale
        for i in 0..<pairs {
            let angle = scaledPosition * inverseFrequencies[i]
            table[i] = Float(cos(angle))
            table[pairs + i] = Float(sin(angle))
        }
    }

    /// Rotates the first `pairs` pairs of one head from `source` into `target` (the same pointer: in place).
    @inline(__always)
    func rotate(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>) {
        for i in 0..<pairs {
            let x0 = source[2 * i], x1 = source[2 * i + 1]
            let c = table[i], s = table[pairs + i]
            target[2 * i] = x0 * c - x1 * s
            target[2 * i + 1] = x0 * s + x1 * c
        }
    }
}
