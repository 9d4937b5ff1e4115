import Foundation

/// A binary logistic-regression probe as scikit-learn's `LogisticRegression()` defaults fit it (ITI's per-head probes,
/// steering-methods.md §1.4): L2 penalty with C = 1 on the weights, an unpenalised intercept, i.e. the minimiser of
///
///     ½‖w‖² + Σ_i log(1 + exp(−y_i·(w·x_i + b)))      (y_i = ±1)
///
/// found by Newton's method with step halving (the objective is strictly convex, so the minimiser is unique and
/// Newton reaches it to `tolerance` in a few steps; scikit-learn's lbfgs reaches the same point).
public struct LogisticProbe: Sendable, Equatable {
    public var weights: [Double]
    public var intercept: Double

    /// Fits on `features` ([count, width] row-major) and `labels` (true = class 1). Both classes must be present.
    public init(features: [Float], labels: [Bool], width: Int, tolerance: Double = 1e-10, maxIterations: Int = 100) {
        precondition(width > 0 && features.count == labels.count * width && !labels.isEmpty)
        let n = labels.count, m = width + 1
        let x = features.map(Double.init)
        var theta = [Double](repeating: 0, count: m)   // weights, then the intercept
        func margins(_ theta: [Double]) -> [Double] {
            (0..<n).map { i in
                var z = theta[width]
                for j in 0..<width { z += theta[j] * x[i * width + j] }
                return z
            }
        }
        func objective(_ theta: [Double]) -> Double {
            let z = margins(theta)
            var total = 0.0
            for j in 0..<width { total += 0.5 * theta[j] * theta[j] }
            for i in 0..<n {
                let t = labels[i] ? -z[i] : z[i]   // log(1 + e^t), computed without overflow
                total += t > 0 ? t + log1pExp(-t) : log1pExp(t)
            }
            return total
        }
        var current = objective(theta)
        for _ in 0..<maxIterations {
            let z = margins(theta)
            var gradient = [Double](repeating: 0, count: m)
            var hessian = [Double](repeating: 0, count: m * m)
            for j in 0..<width { gradient[j] = theta[j]; hessian[j * m + j] = 1 }
            for i in 0..<n {
                let p = 1 / (1 + exp(-z[i]))
                let residual = p - (labels[i] ? 1 : 0), weight = p * (1 - p)
                for a in 0..<m {
                    let xa = a == width ? 1 : x[i * width + a]
                    gradient[a] += residual * xa
                    guard weight > 0 else { continue }
                    for b in a..<m { hessian[a * m + b] += weight * xa * (b == width ? 1 : x[i * width + b]) }
                }
            }
            for a in 0..<m { for b in 0..<a { hessian[a * m + b] = hessian[b * m + a] } }
            // The intercept's curvature vanishes on saturated data; a tiny ridge keeps the system solvable.
            hessian[m * m - 1] += 1e-12
            let gradientNorm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if gradientNorm <= tolerance * Double(n) { break }
            let step = Self.solve(hessian, gradient, n: m)
            var scale = 1.0, accepted = false
            while scale > 1e-10 {
                let trial = zip(theta, step).map { $0 - scale * $1 }
                let value = objective(trial)
                if value <= current { theta = trial; current = value; accepted = true; break }
                scale /= 2
            }
            if !accepted { break }
        }
        weights = Array(theta[0..<width])
        intercept = theta[width]
    }

    /// w·x + b for one row.
    public func decision(_ row: ArraySlice<Float>) -> Double {
        zip(weights, row).reduce(intercept) { $0 + $1.0 * Double($1.1) }
    }

    /// The fraction of rows (features [count, width]) whose predicted class (decision > 0) equals the label.
    public func accuracy(features: [Float], labels: [Bool]) -> Double {
        let width = weights.count
        var correct = 0
        for (i, label) in labels.enumerated() where (decision(features[i * width ..< (i + 1) * width]) > 0) == label {
            correct += 1
        }
        return Double(correct) / Double(labels.count)
    }

    /// Solves A·x = b for a symmetric positive definite A (n x n, row-major) by Cholesky factorisation.
    static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = i == j ? max(sum, 1e-300).squareRoot() : sum / l[j * n + j]
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in i + 1 ..< n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

/// log(1 + e^t) for t <= 0 without loss.
private func log1pExp(_ t: Double) -> Double { log1p(exp(t)) }
