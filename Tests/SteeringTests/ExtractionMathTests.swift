import Foundation
import Kernels
import Testing
@testable import Steering

/// The arithmetic of the extraction methods on synthetic activations: the eigen-solver, PCA and mean-diff against
/// NumPy (Fixtures/extraction-numpy.json, from tools/extraction-fixtures.py), recovery of a planted direction.
@Suite("Extraction arithmetic") struct ExtractionMathTests {
    struct Fixture: Decodable {
        struct Symmetric: Decodable { var n: Int; var matrix: [Double]; var values: [Double]; var vectors: [[Double]] }
        var width: Int
        var planted: [Double]
        var positive: [Double], negative: [Double]
        var mean_diff: [Double], pca_diff: [Double], pca_center: [Double]
        var symmetric: Symmetric
    }

    static let fixture: Fixture = {
        let url = VectorTestFiles.fixtures.appending(path: "extraction-numpy.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        return dot / (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    }

    func maxDifference(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max()! }

    @Test func jacobiMatchesKnownMatrices() throws {
        let diagonal = try SymmetricEigen(matrix: [3, 0, 0, 0, -1, 0, 0, 0, 7], n: 3)
        #expect(diagonal.values == [7, 3, -1])
        #expect(diagonal.vectors[0].map(abs) == [0, 0, 1])
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let pair = try SymmetricEigen(matrix: [2, 1, 1, 2], n: 2)
        #expect(abs(pair.values[0] - 3) < 1e-14 && abs(pair.values[1] - 1) < 1e-14)
        #expect(abs(abs(pair.vectors[0][0]) - 0.5.squareRoot()) < 1e-14 && pair.vectors[0][0] == pair.vectors[0][1])
        // Q·diag(λ)·Qᵀ with Q a Householder reflection: the λ come back, including a repeated one.
        let n = 6, lambdas: [Double] = [5, 2, 2, -0.5, 1e-3, -4]
        let u: [Double] = [1, -2, 0.5, 3, -1, 0.25]
        let uu = u.reduce(0) { $0 + $1 * $1 }
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { q[i * n + j] = (i == j ? 1 : 0) - 2 * u[i] * u[j] / uu } }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += q[i * n + k] * lambdas[k] * q[j * n + k] } } }
        for i in 0..<n { for j in 0..<i { a[i * n + j] = a[j * n + i] } }
        let eigen = try SymmetricEigen(matrix: a, n: n)
        #expect(maxDifference(eigen.values, lambdas.sorted(by: >)) < 1e-13)
        for (k, vector) in eigen.vectors.enumerated() {
            // A·v = λ·v and |v| = 1.
            let av = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * vector[$1] } }
            #expect(maxDifference(av, vector.map { $0 * eigen.values[k] }) < 1e-12)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-13)
        }
    }

    @Test func jacobiAgreesWithNumPyEigh() throws {
        let s = Self.fixture.symmetric
        let eigen = try SymmetricEigen(matrix: s.matrix, n: s.n)
        #expect(maxDifference(eigen.values, s.values) < 1e-12)
        for (ours, theirs) in zip(eigen.vectors, s.vectors) { #expect(abs(abs(cosine(ours, theirs)) - 1) < 1e-12) }
        #expect(eigen.sweeps <= 10, "Jacobi converges quadratically: \(eigen.sweeps) sweeps")
    }

    @Test func jacobiRefusesBadMatrices() {
        #expect(throws: SymmetricEigen.Failure.notSymmetric(row: 0, column: 1)) { try SymmetricEigen(matrix: [1, 2, 3, 1], n: 2) }
        #expect(throws: SymmetricEigen.Failure.notSquare(count: 3, n: 2)) { try SymmetricEigen(matrix: [1, 2, 3], n: 2) }
        #expect(throws: SymmetricEigen.Failure.notFinite(row: 1, column: 1)) { try SymmetricEigen(matrix: [1, 0, 0, .nan], n: 2) }
    }

    @Test func pcaAndMeanDiffAgreeWithNumPyAndRecoverThePlantedDirection() throws {
        let f = Self.fixture
        let positive = f.positive.map(Float.init), negative = f.negative.map(Float.init)
        for (variant, expected) in [(PCADirections.Variant.pcaDiff, f.pca_diff), (.pcaCenter, f.pca_center)] {
            let ours = try PCADirections.direction(variant, positive: positive, negative: negative, width: f.width).map(Double.init)
            #expect(maxDifference(ours, expected) < 1e-6, "\(variant.rawValue) vs NumPy")
            #expect(cosine(ours, f.planted) > 0.95, "\(variant.rawValue) recovers the planted direction, with its sign")
        }
        // Mean-diff's arithmetic (the class means of ClassMeans) on the same rows.
        let n = positive.count / f.width
        var means = ClassMeans(width: f.width, positiveCount: n, negativeCount: n)
        means.positive[0] = (0..<f.width).map { j in (0..<n).reduce(0.0) { $0 + Double(positive[$1 * f.width + j]) } / Double(n) }
        means.negative[0] = (0..<f.width).map { j in (0..<n).reduce(0.0) { $0 + Double(negative[$1 * f.width + j]) } / Double(n) }
        let meanDiff = means.differences[0]!.map(Double.init)
        #expect(maxDifference(meanDiff, f.mean_diff) < 1e-6)
        #expect(cosine(meanDiff, f.planted) > 0.95)
    }

    @Test func pcaSignFollowsThePairsAndLargeWidthsUseTheScatterMatrix() throws {
        // Swapping positives and negatives flips the direction.
        let f = Self.fixture
        let positive = f.positive.map(Float.init), negative = f.negative.map(Float.init)
        let forward = try PCADirections.direction(.pcaDiff, positive: positive, negative: negative, width: f.width)
        let backward = try PCADirections.direction(.pcaDiff, positive: negative, negative: positive, width: f.width)
        #expect(zip(forward, backward).allSatisfy { abs($0 + $1) < 1e-6 })
        // More rows than columns: the d x d path gives the same component as the Gram path would.
        var random = SplitMix64(seed: 7)
        let width = 3
        let rows = (0..<40).flatMap { _ -> [Double] in
            let t = Double(random.uniform(-1, 1)) * 4
            return [t + Double(random.uniform(-0.1, 0.1)), -2 * t + Double(random.uniform(-0.1, 0.1)), Double(random.uniform(-0.1, 0.1))]
        }
        let component = try PrincipalComponent.first(of: rows, width: width).component
        #expect(abs(abs(cosine(component, [1, -2, 0])) - 1) < 1e-3)
    }

    @Test func pcaWithoutVarianceIsAnError() {
        #expect(throws: PrincipalComponent.Failure.noVariance) {
            try PrincipalComponent.first(of: [1, 2, 3, 1, 2, 3], width: 3)
        }
        #expect(throws: PrincipalComponent.Failure.tooFewRows(1)) { try PrincipalComponent.first(of: [1, 2, 3], width: 3) }
    }
}
