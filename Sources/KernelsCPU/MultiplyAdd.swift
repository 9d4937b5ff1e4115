/// `x.madd(a, b)`: x += a·b, the one multiply-add every CPU kernel uses.
///
/// Native builds (`-target-cpu native`, FMA hardware) compute it fused, in one instruction. A portable build
/// (`VEER_PORTABLE=1`, baseline x86-64) has no FMA instruction: there the stdlib's fused `addProduct` is a library
/// call per lane (`fmaf@plt`, about 10x slower end to end), so it multiplies and then adds, two roundings instead of
/// one. Either way a row reduces in the same order wherever it sits in a batch; only native builds match the Vulkan
/// shaders' `fma` bit for bit, and the parity tolerances cover both.
extension SIMD16 where Scalar == Float {
    @inline(__always) mutating func madd(_ a: SIMD16<Float>, _ b: SIMD16<Float>) {
        #if VEER_PORTABLE
        self += a * b
        #else
        addProduct(a, b)
        #endif
    }

    @inline(__always) mutating func madd(_ a: Float, _ b: SIMD16<Float>) {
        #if VEER_PORTABLE
        self += a * b
        #else
        addProduct(a, b)
        #endif
    }
}

extension Float {
    @inline(__always) mutating func madd(_ a: Float, _ b: Float) {
        #if VEER_PORTABLE
        self += a * b
        #else
        addProduct(a, b)
        #endif
    }
}
