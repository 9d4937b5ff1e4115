/// The share of labelled completions that express the concept, with its binomial standard error
/// sqrt(p (1 − p) / n): the concept probability at one strength.
public struct ConceptRate: Codable, Equatable, Sendable {
    /// Mean label; nil when nothing was labelled.
    public var probability: Double?
    /// sqrt(p (1 − p) / n); nil when nothing was labelled.
    public var standardError: Double?
    /// n: the labels averaged.
    public var labelled: Int
    /// Labels equal to 1.
    public var positive: Int

    enum CodingKeys: String, CodingKey {
        case probability, standardError = "standard_error", labelled, positive
    }

    /// The rate of `labels` (each 0 or 1).
    public init(labels: [Int]) {
        labelled = labels.count
        positive = labels.filter { $0 == 1 }.count
        guard labelled > 0 else { probability = nil; standardError = nil; return }
        let p = Double(positive) / Double(labelled)
        probability = p
        standardError = (p * (1 - p) / Double(labelled)).squareRoot()
    }
}
