/// Least squares y ≈ intercept + slope·x, with its R². Scaling benchmarks fit decode time against context length with
/// it; the decay fits start from it.
public struct LinearFit: Sendable {
    public var intercept: Double, slope: Double, r2: Double

    public init(x: [Double], y: [Double]) {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let slope = sxx > 0 ? sxy / sxx : 0, intercept = my - slope * mx
        self.slope = slope
        self.intercept = intercept
        let residual = zip(x, y).reduce(0) { sum, point in
            let miss = point.1 - (intercept + slope * point.0)
            return sum + miss * miss
        }
        r2 = rSquared(residualSumOfSquares: residual, y)
    }
}

/// 1 − SSE/SST (1 when the values are all equal and fitted exactly, 0 when they are equal and missed).
func rSquared(residualSumOfSquares sse: Double, _ y: [Double]) -> Double {
    let mean = y.reduce(0, +) / Double(y.count)
    let sst = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return sst > 0 ? 1 - sse / sst : (sse == 0 ? 1 : 0)
}
