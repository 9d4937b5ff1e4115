/// Nonlinear least squares for the small fits of the analyses (a handful of parameters, tens of points): minimises
/// Σ r_i(p)² from a start, with a forward-difference Jacobian and Marquardt's scaled damping. `converged`: it stopped
/// because no step lowered the sum any more, not because it ran out of iterations or the sum was not finite.
enum LevenbergMarquardt {
    static func minimize(_ start: [Double], points: Int, iterations: Int = 300,
                         residuals: ([Double]) -> [Double]) -> (params: [Double], sse: Double, converged: Bool) {
        func sse(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
        var p = start
        var r = residuals(p)
        var cost = sse(r)
        guard cost.isFinite else { return (p, cost, false) }
        var lambda = 1e-3
        let n = p.count
        for _ in 0..<iterations {
            // J[i][k] = ∂r_i/∂p_k by forward differences.
            var jacobian = [[Double]](repeating: [Double](repeating: 0, count: n), count: points)
            for k in 0..<n {
                var shifted = p
                let h = 1e-7 * max(1, abs(p[k]))
                shifted[k] += h
                let rk = residuals(shifted)
                for i in 0..<points { jacobian[i][k] = (rk[i] - r[i]) / h }
            }
            var jtj = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var jtr = [Double](repeating: 0, count: n)
            for i in 0..<points {
                for a in 0..<n {
                    jtr[a] += jacobian[i][a] * r[i]
                    for b in 0..<n { jtj[a][b] += jacobian[i][a] * jacobian[i][b] }
                }
            }
            var improved = false
            while lambda < 1e12 {
                var system = jtj
                for a in 0..<n { system[a][a] += lambda * max(jtj[a][a], 1e-12) }
                guard let step = solve(system, jtr.map { -$0 }) else { lambda *= 10; continue }
                let candidate = zip(p, step).map { $0 + $1 }
                let rc = residuals(candidate)
                let costCandidate = sse(rc)
                if costCandidate.isFinite, costCandidate < cost {
                    let relative = (cost - costCandidate) / max(cost, 1e-300)
                    p = candidate; r = rc; cost = costCandidate
                    lambda = max(lambda / 10, 1e-12)
                    improved = relative > 1e-15
                    break
                }
                lambda *= 10
            }
            if !improved { return (p, cost, true) }
        }
        return (p, cost, false)
    }

    /// Solves A·x = b by Gaussian elimination with partial pivoting; nil when A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a, v = b
        let n = v.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-300 else {
                return nil
            }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let factor = m[row][col] / m[col][col]
                if factor == 0 { continue }
                for k in col..<n { m[row][k] -= factor * m[col][k] }
                v[row] -= factor * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for k in (row + 1)..<n { s -= m[row][k] * x[k] }
            x[row] = s / m[row][row]
        }
        return x
    }
}
