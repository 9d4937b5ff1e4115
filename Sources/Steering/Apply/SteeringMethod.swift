/// The steering method a vector file or a JSON entry implements (`veer.method`, the JSON `method` key). It names how
/// the data acts; how the data was made is `veer.extraction.method` (mean-diff, pca-diff, caa, ...).
public enum SteeringMethod: String, Sendable, CaseIterable, Codable {
    /// `x += s · v` at a site (llama.cpp's control vectors, mean-diff, PCA, CAA).
    case additive
    /// Norm-preserving rotation toward a prototype with a vMF gate at `resid_post` (spec §2).
    case spherical
    /// Scaling of a few units, `x_i *= 1 + α·b_i` (spec §4).
    case austeer
    /// `α·σ_h·θ_h` added to selected heads at `heads_concat` (spec §1.4).
    case iti

    /// The position policy the method's papers use when nothing else says: Spherical scores from the last prompt
    /// token on, ITI (legacy semantics) from the first answer token, the others everywhere.
    public var defaultPositions: PositionPolicy {
        switch self {
        case .additive, .austeer: .all
        case .spherical: .fromPromptEnd
        case .iti: .fromAnswerStart
        }
    }
}
