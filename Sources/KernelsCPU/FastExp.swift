/// exp on 16 floats at once, for softmax-like sums inside the kernels (attention weights, SiLU), where a libm call per
/// element cost more than the rest of the loop (a third of a decode step at 512 tokens of context).
///
/// Cephes' expf: n = round(x·log2 e), r = x − n·ln 2 in two parts, a degree-5 polynomial for e^r, scaled by 2^n
/// through the exponent bits. Relative error within 2 ulp of libm's over the clamped range [−87.3, 88.7]; beyond it
/// the result is that bound's (≈1.2e-38 below, ≈3.4e38 above: no inf, no denormals). NaN stays NaN. Every lane is
/// computed the same way, so a value gives the same bits wherever it sits in a vector or a batch.
@inline(__always)
func exp16(_ input: SIMD16<Float>) -> SIMD16<Float> {
    // pointwiseMin/Max compile to two vector instructions; `clamped` compiled to about 200 scalar ones, which made
    // SwiGLU cost 6 ns per element. The same values for every input but NaN, which the last line restores anyway.
    let x0 = pointwiseMax(pointwiseMin(input, SIMD16(repeating: 88.72283)), SIMD16(repeating: -87.33654))
    // Round to nearest through the float adder: adding 1.5·2^23 leaves n in the low mantissa bits.
    let magic = SIMD16<Float>(repeating: 12_582_912)
    let shifted = x0 * 1.442_695_04 + magic
    let n = shifted - magic
    var r = x0 - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * (r * r) + r + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    let result = y * unsafeBitCast(exponent, to: SIMD16<Float>.self)
    return result.replacing(with: input, where: input .!= input)
}

/// Runs `body` on `count` floats from `x` into `out` sixteen at a time; the last partial group goes through the same
/// vector code on a zero-padded copy, so element i's result never depends on where the range ends.
@inline(__always)
func forEachSixteen(count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    var i = 0
    while i + 16 <= count {
        body(i, 16)
        i += 16
    }
    if i < count { body(i, count - i) }
}

/// Loads `lanes` floats (at most 16) into a vector, zero in the rest.
@inline(__always)
func loadFloats(_ p: UnsafePointer<Float>, lanes: Int) -> SIMD16<Float> {
    if lanes == 16 { return loadFloats(p) }
    var v = SIMD16<Float>()
    for i in 0..<lanes { v[i] = p[i] }
    return v
}

/// Stores the first `lanes` of a vector.
@inline(__always)
func storeFloats(_ v: SIMD16<Float>, to p: UnsafeMutablePointer<Float>, lanes: Int) {
    if lanes == 16 { storeFloats(v, to: p); return }
    for i in 0..<lanes { p[i] = v[i] }
}
