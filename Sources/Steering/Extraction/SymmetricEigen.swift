/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan §8.5):
/// sweeps of plane rotations, each zeroing one off-diagonal pair, until the off-diagonal mass is negligible next to
/// the diagonal. Jacobi converges quadratically once the off-diagonal is small and gives eigenvectors orthonormal to
/// rounding, which is what PCA needs from a matrix of a few hundred rows. (No LAPACK is available to Swift on Linux
/// here.)
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, descending.
    public let values: [Double]
    /// `vectors[k]` is the unit eigenvector of `values[k]`.
    public let vectors: [[Double]]
    /// Sweeps the solver ran.
    public let sweeps: Int

    /// Why a decomposition failed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notSquare(count: Int, n: Int)
        case notSymmetric(row: Int, column: Int)
        case notFinite(row: Int, column: Int)
        case noConvergence(sweeps: Int, offDiagonal: Double)

        public var description: String {
            switch self {
            case let .notSquare(count, n): return "eigen-decomposition: \(count) values are not an \(n) x \(n) matrix"
            case let .notSymmetric(row, column): return "eigen-decomposition: the matrix differs at (\(row), \(column)) and (\(column), \(row)); it must be symmetric"
            case let .notFinite(row, column): return "eigen-decomposition: the matrix has a value that is not finite at (\(row), \(column))"
            case let .noConvergence(sweeps, offDiagonal): return "eigen-decomposition: no convergence after \(sweeps) Jacobi sweeps (off-diagonal norm \(offDiagonal))"
            }
        }
    }

    /// Decomposes the n x n symmetric `matrix` (row-major). Converged when the off-diagonal Frobenius norm is at most
    /// `tolerance` times the whole matrix's; more than `maxSweeps` sweeps is an error, never a partial answer.
    public init(matrix: [Double], n: Int, tolerance: Double = 1e-14, maxSweeps: Int = 100) throws {
        guard matrix.count == n * n, n >= 1 else { throw Failure.notSquare(count: matrix.count, n: n) }
        for i in 0..<n {
            for j in 0..<n {
                guard matrix[i * n + j].isFinite else { throw Failure.notFinite(row: i, column: j) }
                let a = matrix[i * n + j], b = matrix[j * n + i]
                guard abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300) || a == b else { throw Failure.notSymmetric(row: i, column: j) }
            }
        }
        var a = matrix
        // v holds the accumulated rotations, columns are the eigenvectors.
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func offDiagonal() -> Double {
            var sum = 0.0
            for i in 0..<n { for j in 0..<n where i != j { sum += a[i * n + j] * a[i * n + j] } }
            return sum.squareRoot()
        }
        var sweeps = 0
        while offDiagonal() > tolerance * total {
            guard sweeps < maxSweeps else { throw Failure.noConvergence(sweeps: sweeps, offDiagonal: offDiagonal()) }
            sweeps += 1
            for p in 0 ..< n - 1 {
                for q in p + 1 ..< n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    // The rotation angle that zeroes a[p][q] (the smaller of the two roots, for stability).
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        values = order.map { a[$0 * n + $0] }
        vectors = order.map { column in (0..<n).map { v[$0 * n + column] } }
        self.sweeps = sweeps
    }
}
