import Foundation
import Kernels

/// The rotary angles of RoPE and the rotation itself, shared by `rope` and `ropeStore` so the two give the same bits.
/// Pair i at position p turns by p · freqScale · freqBase^(−2i/nRot) / freqFactor[i], computed in f64 and then
/// rounded (an f32 angle at position 10⁴ would be off by ~10⁻³ rad). `style` says which dims form pair i.
struct RopeAngles {
    /// Rotated pairs per head.
    let pairs: Int
    /// freqBase^(−2i/nRot) / freqFactor[i] per pair, shared by every row.
    let inverseFrequencies: [Double]
    let freqScale: Double
    let style: RopeStyle

    /// - Parameter freqFactors: nRot/2 factors dividing each pair's frequency (Llama 3), nil: none.
    init(nRot: Int, freqBase: Float, freqScale: Float, style: RopeStyle, freqFactors: UnsafePointer<Float>?) {
        pairs = nRot / 2
        let base = (0..<nRot / 2).map { pow(Double(freqBase), -2 * Double($0) / Double(nRot)) }
        inverseFrequencies = freqFactors.map { factors in base.indices.map { base[$0] / Double(factors[$0]) } } ?? base
        self.freqScale = Double(freqScale)
        self.style = style
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

    /// Rotates the first `pairs` pairs of one head from `source` into `target` (the same pointer: in place). The
    /// rotated dims are the first 2·pairs of the head in either style.
    @inline(__always)
    func rotate(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>) {
        // The pair's second dim: the next one (adjacent) or half the rotated part further on (NEOX).
        let (step, apart) = style == .adjacent ? (2, 1) : (1, pairs)
        for i in 0..<pairs {
            let d0 = step * i, d1 = d0 + apart
            let x0 = source[d0], x1 = source[d1]
            let c = table[i], s = table[pairs + i]
            target[d0] = x0 * c - x1 * s
            target[d1] = x0 * s + x1 * c
        }
    }
}
