extension UnconstrainedFeaturesModel {
    /// The spec's simulator: V = 9 tokens in G = 3 concepts of s = 3 ({0,1,2}, {3,4,5}, {6,7,8}), one context per
    /// concept. Context g gives its own concept's tokens mass 1 − ε and the other concepts' tokens ε in all, each
    /// share split unevenly by `withinConcept` (so log-odds differ inside a concept and tokens that are not extremal
    /// exist). P = {context 0} (the target concept's), N = {context 1}.
    public static func example(epsilon: Double = 0.05, withinConcept: [Double] = [0.5, 0.3, 0.2]) throws
        -> UnconstrainedFeaturesModel {
        let groups = 3, size = withinConcept.count
        let shares = withinConcept.map { $0 / withinConcept.reduce(0, +) }
        // Context g's distribution; other concepts' tokens use the shares in reverse, so each token's probability
        // differs between contexts and every log-odds value is distinct.
        let distributions = (0..<groups).map { g in
            (0..<groups * size).map { z -> Double in
                let concept = z / size, slot = z % size
                return concept == g ? (1 - epsilon) * shares[slot]
                                    : epsilon / Double(groups - 1) * shares[size - 1 - slot]
            }
        }
        return try UnconstrainedFeaturesModel(distributions: distributions, positive: [0], negative: [1])
    }

    /// The tokens of concept `g` in `example`.
    public static func exampleConcept(_ g: Int, size: Int = 3) -> [Int] { Array(g * size ..< (g + 1) * size) }
}
