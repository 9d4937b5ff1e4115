/// Row reductions and updates shared by the kernels. Each reduces in a fixed order that depends only on `count`
/// (four SIMD16 lane sets over 64-float steps, one SIMD16 step, then a scalar tail), so the same row gives the same
/// bits wherever it sits in a batch.
enum VectorMath {
    /// Σ a[i]·b[i].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            s0.madd(loadFloats(a + i), loadFloats(b + i))
            s1.madd(loadFloats(a + i + 16), loadFloats(b + i + 16))
            s2.madd(loadFloats(a + i + 32), loadFloats(b + i + 32))
            s3.madd(loadFloats(a + i + 48), loadFloats(b + i + 48))
            i += 64
        }
        while i + 16 <= count {
            s0.madd(loadFloats(a + i), loadFloats(b + i))
            i += 16
        }
        var total = horizontalSum((s0 + s1) + (s2 + s3))
        while i < count {
            total.madd(a[i], b[i])
            i += 1
        }
        return total
    }

    /// Σ a[i]².
    @inline(__always)
    static func sumOfSquares(_ a: UnsafePointer<Float>, count: Int) -> Float { dot(a, a, count: count) }

    /// The largest value (NaN-free input assumed by callers that care; a NaN may or may not win).
    @inline(__always)
    static func maximum(_ a: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var best = -Float.infinity
        if count >= 16 {
            var lanes = loadFloats(a)
            i = 16
            while i + 16 <= count {
                let v = loadFloats(a + i)
                lanes.replace(with: v, where: v .> lanes)
                i += 16
            }
            best = lanes.max()
        }
        while i < count {
            best = Swift.max(best, a[i])
            i += 1
        }
        return best
    }

    /// The smallest and largest values of a row without NaN (±inf is fine); +inf and −inf for an empty row.
    @inline(__always)
    static func extrema(_ a: UnsafePointer<Float>, count: Int) -> (minimum: Float, maximum: Float) {
        var low = SIMD16<Float>(repeating: .infinity), high = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= count {
            let v = loadFloats(a + i)
            low.replace(with: v, where: v .< low)
            high.replace(with: v, where: v .> high)
            i += 16
        }
        var minimum = low.min(), maximum = high.max()
        while i < count {
            minimum = Swift.min(minimum, a[i])
            maximum = Swift.max(maximum, a[i])
            i += 1
        }
        return (minimum, maximum)
    }

    /// Whether every value is finite (no NaN, no ±inf): x − x is 0 exactly for finite x and NaN otherwise.
    @inline(__always)
    static func allFinite(_ a: UnsafePointer<Float>, count: Int) -> Bool {
        var i = 0
        var lanes = SIMD16<Float>()
        while i + 16 <= count {
            let v = loadFloats(a + i)
            lanes += v - v
            i += 16
        }
        var tail: Float = 0
        while i < count {
            tail += a[i] - a[i]
            i += 1
        }
        return horizontalSum(lanes) + tail == 0
    }

    /// y[i] += alpha·x[i].
    @inline(__always)
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            var v = loadFloats(y + i)
            v.madd(alpha, loadFloats(x + i))
            storeFloats(v, to: y + i)
            i += 16
        }
        while i < count {
            y[i].madd(alpha, x[i])
            i += 1
        }
    }

    /// out[i] = Σ_p weights[p]·rows[p·stride + i] for i in 0..<width, accumulated in position order (one fused
    /// multiply-add per position and element, as `addScaled` into a zeroed row would). The sums stay in registers
    /// across positions, 64 elements at a time: storing and reloading them per position made attention's value pass
    /// wait on store forwarding.
    @inline(__always)
    static func weightedSum(_ weights: UnsafePointer<Float>, rows: UnsafePointer<Float>, stride: Int, count: Int,
                            width: Int, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 64 <= width {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var row = rows + i
            for p in 0..<count {
                let w = SIMD16<Float>(repeating: weights[p])
                a0.madd(w, loadFloats(row))
                a1.madd(w, loadFloats(row + 16))
                a2.madd(w, loadFloats(row + 32))
                a3.madd(w, loadFloats(row + 48))
                row += stride
            }
            storeFloats(a0, to: out + i)
            storeFloats(a1, to: out + i + 16)
            storeFloats(a2, to: out + i + 32)
            storeFloats(a3, to: out + i + 48)
            i += 64
        }
        while i + 16 <= width {
            var a = SIMD16<Float>()
            for p in 0..<count { a.madd(SIMD16(repeating: weights[p]), loadFloats(rows + i + p * stride)) }
            storeFloats(a, to: out + i)
            i += 16
        }
        while i < width {
            var a: Float = 0
            for p in 0..<count { a.madd(weights[p], rows[i + p * stride]) }
            out[i] = a
            i += 1
        }
    }

    /// y[i] += x[i].
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            storeFloats(loadFloats(y + i) + loadFloats(x + i), to: y + i)
            i += 16
        }
        while i < count {
            y[i] += x[i]
            i += 1
        }
    }
}

@inline(__always)
func storeFloats(_ v: SIMD16<Float>, to p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}
