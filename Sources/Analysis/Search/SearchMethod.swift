/// A steering method the layer and hyperparameter search tunes (`veer sweep search --methods`), with its stage-1
/// defaults and stage-2 grid. Raw values are `veer extract --method` names.
///
/// The unit-norm additive methods (pca-diff, pca-center, cvector-mean) are left out: their file strength 1 adds a
/// unit vector, far below the residual norm at every block (docs/steering.md, "Strength units"), so a layer search at
/// their default strength would compare nothing.
public enum SearchMethod: String, CaseIterable, Sendable, Codable {
    case caa, iti, spherical, austeer
    case meanDiff = "mean-diff"

    /// ITI and AUSteer rank heads or units across every block they probe, so a vector extracted over several blocks
    /// is not the union of one-block vectors: the search extracts them once per layer. The others make each block's
    /// direction from that block alone, so one extraction over the whole layer grid serves every layer.
    public var selectsAcrossBlocks: Bool { self == .iti || self == .austeer }

    /// What stage 2 varies, as the file's strength (`veer.strength`): a multiplier of the unnormalised direction
    /// (caa, mean-diff), ITI's α, AUSteer's α, Spherical's α.
    public var strengthName: String {
        switch self {
        case .caa, .meanDiff: "multiplier"
        case .iti, .spherical, .austeer: "alpha"
        }
    }

    /// The strength `veer extract` writes by default: what stage 1 scores every layer with.
    public var defaultStrength: Float {
        switch self {
        case .caa, .meanDiff: 1
        case .iti: 15
        case .spherical: 0.6
        case .austeer: 5
        }
    }

    /// Spherical's default gate threshold β (κ stays 20); nil for the methods without a gate.
    public var defaultBeta: Float? { self == .spherical ? -0.05 : nil }

    /// Stage 2's strengths, ascending, from the released hyperparameters of steering-methods.md:
    /// CAA's typical multipliers lie in [-2, 2] (§1.2; the truthful direction is true minus false, so the positive
    /// half, and 4 for a small model whose vector may be short against its residual); ITI's α around its default 15
    /// (§1.4); Spherical's released α for TruthfulQA and the other tasks lie in 0.5–0.9 (§2.6); AUSteer's released α
    /// run from 5 (its default) to 100 (§4.4).
    public var defaultStrengths: [Float] {
        switch self {
        case .caa, .meanDiff: [0.5, 1, 2, 4]
        case .iti: [5, 10, 15, 25]
        case .spherical: [0.5, 0.7, 0.9]
        case .austeer: [5, 20, 50, 100]
        }
    }

    /// Spherical's stage-2 gate thresholds: the released TruthfulQA values span −0.15 (Llama) to 0.4 (Qwen), the other
    /// tasks go down to −1 (§2.6); −0.4, the default −0.05 and 0.4 cover a wide, a default and a narrow gate.
    public static let defaultBetas: [Float] = [-0.4, -0.05, 0.4]

    /// Spherical's gate concentration, fixed in the search (every released configuration uses 20).
    public static let kappa: Float = 20

    /// The methods by name, in the order given; an unknown or repeated name is an error listing the known ones.
    public static func parseList(_ text: String) throws -> [SearchMethod] {
        var methods: [SearchMethod] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard let method = SearchMethod(rawValue: name) else {
                throw SearchError("--methods \(text): unknown method \"\(name)\"; the search tunes \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !methods.contains(method) else { throw SearchError("--methods \(text): \(name) is given twice") }
            methods.append(method)
        }
        return methods
    }
}

/// Bad search input or results, with what was expected.
public struct SearchError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
