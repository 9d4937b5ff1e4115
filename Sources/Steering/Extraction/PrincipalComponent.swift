/// The first principal component of a set of rows, as scikit-learn's `PCA(n_components=1).fit(rows)` computes it:
/// the rows are centred on their column means, and the component is the unit eigenvector of the largest eigenvalue
/// of the centred rows' scatter matrix. Its sign is arbitrary; callers orient it.
///
/// With fewer rows than columns (the usual case: a few hundred texts, d = 576 or more) the n x n Gram matrix X·Xᵀ of
/// the centred rows has the same non-zero eigenvalues as the d x d scatter Xᵀ·X, and an eigenvector u of the first
/// maps to Xᵀ·u of the second, so the solver works on the smaller matrix.
public enum PrincipalComponent {
    /// Why there is no first component.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case tooFewRows(Int)
        case noVariance

        public var description: String {
            switch self {
            case .tooFewRows(let n): return "PCA needs at least 2 rows, got \(n)"
            case .noVariance: return "PCA: every row is the same after centring, so there is no direction of variance"
            }
        }
    }

    /// The first component (unit, f64 [width]) of `rows` ([count, width] row-major) and its eigenvalue (the
    /// variance it explains times count).
    public static func first(of rows: [Double], width: Int) throws -> (component: [Double], eigenvalue: Double) {
        precondition(width > 0 && rows.count % width == 0)
        let n = rows.count / width
        guard n >= 2 else { throw Failure.tooFewRows(n) }
        var centred = rows
        for j in 0..<width {
            var mean = 0.0
            for i in 0..<n { mean += rows[i * width + j] }
            mean /= Double(n)
            for i in 0..<n { centred[i * width + j] -= mean }
        }
        let component: [Double], eigenvalue: Double
        if n <= width {
            var gram = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for k in i..<n {
                    var dot = 0.0
                    for j in 0..<width { dot += centred[i * width + j] * centred[k * width + j] }
                    gram[i * n + k] = dot; gram[k * n + i] = dot
                }
            }
            let eigen = try SymmetricEigen(matrix: gram, n: n)
            eigenvalue = eigen.values[0]
            var mapped = [Double](repeating: 0, count: width)
            for i in 0..<n where eigen.vectors[0][i] != 0 {
                for j in 0..<width { mapped[j] += eigen.vectors[0][i] * centred[i * width + j] }
            }
            component = mapped
        } else {
            var scatter = [Double](repeating: 0, count: width * width)
            for i in 0..<n {
                for a in 0..<width where centred[i * width + a] != 0 {
                    let x = centred[i * width + a]
                    for b in a..<width { scatter[a * width + b] += x * centred[i * width + b] }
                }
            }
            for a in 0..<width { for b in 0..<a { scatter[a * width + b] = scatter[b * width + a] } }
            let eigen = try SymmetricEigen(matrix: scatter, n: width)
            eigenvalue = eigen.values[0]
            component = eigen.vectors[0]
        }
        let norm = component.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // Relative to the data's scale: centred rows that are all (nearly) zero have no direction.
        let scale = centred.reduce(0) { $0 + $1 * $1 }
        guard eigenvalue > 1e-12 * scale, scale > 0, norm > 0 else { throw Failure.noVariance }
        return (component.map { $0 / norm }, eigenvalue)
    }
}
