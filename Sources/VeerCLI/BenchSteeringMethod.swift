import KernelCases
import Kernels
import Llama
import Steering

/// The edits `veer bench steering` times: each method at one block, at its real size (the kernels' cost depends on
/// it) but with a small effect, so that every configuration decodes text of the same kind. Inputs are seeded, so
/// every run times the same edits.
enum BenchSteeringMethod: String, CaseIterable {
    /// A direction of norm 0.01 added at resid_post.
    case additive
    /// Spherical Steering with the vMF gate at resid_post (κ 20, α 0.6, β −0.05, a random unit μ): with cos(h, μ)
    /// near 0 the gate opens a little (t ≈ 0.03), so the rotation runs on every row.
    case spherical
    /// AUSteer: 16 units of mlp_out scaled by 1 + 0.1·b, b in [-1, 1).
    case austeer
    /// ITI: 3 heads of heads_concat shifted by a vector of norm 0.01 on their slices.
    case iti

    /// What the method edits at `block`.
    func edits(block: Int, config: LlamaConfig, random: inout SplitMix64) -> [SiteKey: SiteEdit] {
        switch self {
        case .additive:
            return [SiteKey(block: block, site: .residPost): SiteEdit(add: random.unitVector(config.width).map { 0.01 * $0 })]
        case .spherical:
            let rotation = SphericalRotation(mu: random.unitVector(config.width), kappa: 20, alpha: 0.6, beta: -0.05)
            return [SiteKey(block: block, site: .residPost): SiteEdit(rotation: rotation)]
        case .austeer:
            let units = random.distinctIndices(16, below: config.width).map {
                (index: UInt32($0), coefficient: random.uniform(-1, 1))
            }
            return [SiteKey(block: block, site: .mlpOut): SiteEdit(units: units, unitAlpha: 0.1)]
        case .iti:
            let heads = Set(random.distinctIndices(min(3, config.heads), below: config.heads))
            var shift = random.unitVector(config.qWidth).map { 0.01 * $0 }
            for i in shift.indices where !heads.contains(i / config.headDim) { shift[i] = 0 }
            return [SiteKey(block: block, site: .headsConcat): SiteEdit(add: shift)]
        }
    }
}
