import Foundation

/// The Unconstrained Features Model of "Towards Understanding Steering Strength" (spec §3.3): contexts c_j with known
/// next-token distributions p(·|c_j), logits f(c_j) = W h_j perfectly trained, and steering f_α(c_j) = W h_j + α·v with
/// v the difference of the mean features of the positive and negative contexts. Everything then has a closed form in
/// the token log-odds M(z), which makes the model a test bed for the paper's three laws (bump-shaped token
/// probabilities, sigmoid concept probability, locally quadratic cross-entropy) and for the sweep code's metrics.
public struct UnconstrainedFeaturesModel: Sendable {
    /// p[j][z]: the next-token distribution of context j (each row positive, summing to 1).
    public let distributions: [[Double]]
    /// The contexts whose mean feature is added (P) and subtracted (N); |P| = |N| = q.
    public let positive: [Int]
    public let negative: [Int]
    /// M(z) = (1/q)·Σ_{i∈P} log p(z|c_i) − (1/q)·Σ_{i∈N} log p(z|c_i): what W·v adds to the logits per unit α.
    public let logOdds: [Double]

    public enum ModelError: Error, Equatable, CustomStringConvertible {
        case badDistribution(context: Int, detail: String)
        case badContextSets(String)

        public var description: String {
            switch self {
            case let .badDistribution(j, detail): return "context \(j): \(detail)"
            case let .badContextSets(detail): return detail
            }
        }
    }

    /// Throws when a distribution is empty, of another length than the first, not positive or not summing to 1
    /// (within 1e-9), or when P and N are empty, of different sizes or name a context that does not exist.
    public init(distributions: [[Double]], positive: [Int], negative: [Int]) throws {
        guard let vocabulary = distributions.first?.count, vocabulary > 0 else {
            throw ModelError.badDistribution(context: 0, detail: "no tokens")
        }
        for (j, p) in distributions.enumerated() {
            guard p.count == vocabulary else {
                throw ModelError.badDistribution(context: j, detail: "\(p.count) tokens, expected \(vocabulary)")
            }
            guard p.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ModelError.badDistribution(context: j, detail: "probabilities must be positive and finite")
            }
            let total = p.reduce(0, +)
            guard abs(total - 1) <= 1e-9 else {
                throw ModelError.badDistribution(context: j, detail: "probabilities sum to \(total), expected 1")
            }
        }
        guard !positive.isEmpty, positive.count == negative.count else {
            throw ModelError.badContextSets("P and N must be non-empty and of equal size (got \(positive.count) and \(negative.count))")
        }
        guard (positive + negative).allSatisfy({ distributions.indices.contains($0) }) else {
            throw ModelError.badContextSets("P and N must name contexts in 0..<\(distributions.count)")
        }
        self.distributions = distributions
        self.positive = positive
        self.negative = negative
        let q = Double(positive.count)
        logOdds = (0..<vocabulary).map { z in
            (positive.reduce(0) { $0 + log(distributions[$1][z]) } - negative.reduce(0) { $0 + log(distributions[$1][z]) }) / q
        }
    }

    public var vocabularySize: Int { logOdds.count }

    /// σ(f_α(c_j)): p(z|c_j)·e^{α M(z)} / Σ_z' p(z'|c_j)·e^{α M(z')}, computed with the largest exponent factored out.
    public func steered(context j: Int, alpha: Double) -> [Double] {
        let p = distributions[j]
        let exponents = p.indices.map { log(p[$0]) + alpha * logOdds[$0] }
        let top = exponents.max() ?? 0
        let weights = exponents.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Δp(z | c_j, α) = σ_z(f_α(c_j)) − p(z|c_j).
    public func probabilityChange(token z: Int, context j: Int, alpha: Double) -> Double {
        steered(context: j, alpha: alpha)[z] - distributions[j][z]
    }

    /// ∂_α Δp(z|c_j, α) = σ_z · (M(z) − E_{Z∼σ}[M(Z)]): positive while M(z) is above the steered mean of M.
    public func probabilitySlope(token z: Int, context j: Int, alpha: Double) -> Double {
        let sigma = steered(context: j, alpha: alpha)
        return sigma[z] * (logOdds[z] - expectedLogOdds(sigma))
    }

    /// F_{C,j}(α) = Σ_{z∈C} σ_z(f_α(c_j)): the probability mass of concept C.
    public func conceptMass(_ concept: [Int], context j: Int, alpha: Double) -> Double {
        let sigma = steered(context: j, alpha: alpha)
        return concept.reduce(0) { $0 + sigma[$1] }
    }

    /// Δp(C|α) = (F(α) − F(0)) / |C|, summed directly.
    public func conceptChange(_ concept: [Int], context j: Int, alpha: Double) -> Double {
        (conceptMass(concept, context: j, alpha: alpha) - conceptMass(concept, context: j, alpha: 0)) / Double(concept.count)
    }

    /// Theorem 3.6's closed form of `conceptChange`: (1/(2|C|))·[tanh((ν(α) + r)/2) − tanh(r/2)], r = logit F(0),
    /// ν(α) = ∫_0^α (μ_C(t) − μ_{C^c}(t)) dt with μ the means of M under σ(f_t) restricted to C and to its complement,
    /// integrated by composite Simpson's rule over `intervals` (even) pieces.
    public func conceptChangeClosedForm(_ concept: [Int], context j: Int, alpha: Double, intervals: Int = 512) -> Double {
        let inside = Set(concept)
        func meanGap(_ t: Double) -> Double {
            let sigma = steered(context: j, alpha: t)
            var massIn = 0.0, sumIn = 0.0, massOut = 0.0, sumOut = 0.0
            for z in sigma.indices {
                if inside.contains(z) { massIn += sigma[z]; sumIn += sigma[z] * logOdds[z] }
                else { massOut += sigma[z]; sumOut += sigma[z] * logOdds[z] }
            }
            return sumIn / massIn - sumOut / massOut
        }
        let nu = Quadrature.simpson(from: 0, to: alpha, intervals: intervals, meanGap)
        let f0 = conceptMass(concept, context: j, alpha: 0)
        let r = log(f0 / (1 - f0))
        return (tanh((nu + r) / 2) - tanh(r / 2)) / (2 * Double(concept.count))
    }

    /// ΔCE(α) = Σ_j π_j·[CE_j(α) − CE_j(0)], CE_j(α) = −Σ_z p(z|c_j)·log σ_z(f_α(c_j)): the steered model scored on
    /// the contexts' true next tokens. `weights` π (context frequencies) default to uniform.
    public func crossEntropyChange(alpha: Double, weights: [Double]? = nil) -> Double {
        let pi = weights ?? Array(repeating: 1 / Double(distributions.count), count: distributions.count)
        return distributions.indices.reduce(0) { total, j in
            let p = distributions[j], sigma = steered(context: j, alpha: alpha)
            let change = p.indices.reduce(0) { $0 - p[$1] * (log(sigma[$1]) - log(p[$1])) }
            return total + pi[j] * change
        }
    }

    /// Theorem 3.8's quadratic coefficient: ΔCE(α) = c·α² + o(α²) with c = ½·Σ_j π_j·Var_{Z∼p(·|c_j)}(M(Z)).
    public func crossEntropyCurvature(weights: [Double]? = nil) -> Double {
        let pi = weights ?? Array(repeating: 1 / Double(distributions.count), count: distributions.count)
        return distributions.indices.reduce(0) { total, j in
            let p = distributions[j]
            let mean = expectedLogOdds(p)
            let variance = p.indices.reduce(0) { $0 + p[$1] * (logOdds[$1] - mean) * (logOdds[$1] - mean) }
            return total + pi[j] * variance / 2
        }
    }

    /// E_{Z∼q}[M(Z)].
    func expectedLogOdds(_ q: [Double]) -> Double { q.indices.reduce(0) { $0 + q[$1] * logOdds[$1] } }
}
