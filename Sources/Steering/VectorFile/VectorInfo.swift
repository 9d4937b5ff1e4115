import Llama

/// How a vector file's data changes the activations (`veer.operation`). Each operation has its own Veer-only tensor
/// names (so llama.cpp refuses such files instead of adding part of them) and a reader that accepts them. A file
/// naming an operation this build does not know is an error, never applied as `add`.
public enum SteeringOperation: String, Sendable, CaseIterable, Codable {
    /// `x[N] += strength * direction[N]` at every steered position (`direction.N` / `veer.direction.N`).
    case add
    /// Spherical Steering toward the unit prototype `veer.mu.N` at `resid_post` of block N.
    case rotate
    /// `x_i *= 1 + strength * b_i` with b dense over the site's width in `veer.units.N` (0 on units left alone).
    case scaleUnits = "scale_units"
}

/// The gate of a `rotate` file: `veer.spherical.gated`, `veer.spherical.kappa`, `veer.spherical.beta` (the alpha
/// is `veer.strength`). An ungated file rotates by t = strength at every position and has no kappa or beta.
public struct SphericalGate: Sendable, Equatable {
    public var gated: Bool
    public var kappa: Float?
    public var beta: Float?

    /// A vMF gate with concentration kappa and threshold beta.
    public static func gated(kappa: Float, beta: Float) -> SphericalGate { SphericalGate(gated: true, kappa: kappa, beta: beta) }
    /// No gate: t fixed at every position.
    public static let ungated = SphericalGate(gated: false, kappa: nil, beta: nil)

    public init(gated: Bool, kappa: Float?, beta: Float?) { self.gated = gated; self.kappa = kappa; self.beta = beta }
}

/// Which tool's conventions a file followed, as far as the reader can tell: a `veer.format_version` key makes it
/// Veer's; otherwise the type of `controlvector.layer_count` tells llama.cpp (int32, n_layer - 1) from repeng
/// (uint32, the number of directions). A file without the key counts as llama.cpp's: llama.cpp ignores it.
public enum VectorSourceFormat: String, Sendable, CaseIterable, Codable {
    case veer
    case llamaCpp = "llama.cpp"
    case repeng
}

/// Everything a vector file says about its directions besides their values. Every field may be absent: a llama.cpp
/// or repeng file carries none of Veer's keys, and a reader must not invent them.
public struct VectorInfo: Sendable, Equatable {
    /// Where the file came from (set by the reader; a vector built in memory is `.veer`).
    public var sourceFormat: VectorSourceFormat
    /// How the directions act on the activations (`add` for every llama.cpp and repeng file).
    public var operation: SteeringOperation
    /// The hook site the directions are applied at. llama.cpp and repeng files are `resid_post` (block output).
    public var site: HookSite
    /// Extraction method, free text ("mean-diff", "pca", "cvector-mean", ...).
    public var method: String?
    /// Which token positions the activations were read at, free text ("all", "last", "answer", ...).
    public var positions: String?
    /// Whether the BOS position was part of extraction, free text ("included", "excluded").
    public var bos: String?
    /// How prompts were wrapped at extraction: "none", or what identifies the template ("sha256:<hex>", a name).
    public var chatTemplate: String?
    /// Mean L2 norm of the residual stream at `site` of block N over the extraction positions: what lets a
    /// strength be stated relative to the activations it is added to.
    public var layerNorms: [Int: Float]
    /// `ModelFingerprint` of the model the vector was made for (64 lowercase hex digits).
    public var fingerprint: String?
    /// `controlvector.model_hint`: the source model's architecture, as the writer claimed it.
    public var modelHint: String?
    /// Strengths that worked when the vector was made (e.g. from a sweep): values of the S in `FILE:S`, which
    /// multiplies `veer.strength`.
    public var strengthRange: ClosedRange<Float>?
    /// For a file Veer converted from another tool's file: that tool.
    public var convertedFrom: VectorSourceFormat?
    /// `veer.method`: the steering method the file implements (nil: not stated; `add` files then count as additive).
    public var steeringMethod: SteeringMethod?
    /// `veer.positions`: the positions the method steers, when the file states them.
    public var steeredPositions: PositionPolicy?
    /// `veer.strength`: the method's strength (additive s, ITI/AUSteer alpha, Spherical alpha); absent means 1.
    public var strength: Float?
    /// The gate of a `rotate` file.
    public var sphericalGate: SphericalGate?
    /// `veer.austeer.k`: how many units the top-k selection kept, when recorded.
    public var selectedUnitCount: Int?

    /// Provenance from its parts; every field defaults to absent (or to what llama.cpp files imply).
    public init(sourceFormat: VectorSourceFormat = .veer, operation: SteeringOperation = .add, site: HookSite = .residPost,
                method: String? = nil, positions: String? = nil, bos: String? = nil, chatTemplate: String? = nil,
                layerNorms: [Int: Float] = [:], fingerprint: String? = nil, modelHint: String? = nil,
                strengthRange: ClosedRange<Float>? = nil, convertedFrom: VectorSourceFormat? = nil,
                steeringMethod: SteeringMethod? = nil, steeredPositions: PositionPolicy? = nil, strength: Float? = nil,
                sphericalGate: SphericalGate? = nil, selectedUnitCount: Int? = nil) {
        self.sourceFormat = sourceFormat; self.operation = operation; self.site = site; self.method = method
        self.positions = positions; self.bos = bos; self.chatTemplate = chatTemplate; self.layerNorms = layerNorms
        self.fingerprint = fingerprint; self.modelHint = modelHint; self.strengthRange = strengthRange
        self.convertedFrom = convertedFrom
        self.steeringMethod = steeringMethod; self.steeredPositions = steeredPositions; self.strength = strength
        self.sphericalGate = sphericalGate; self.selectedUnitCount = selectedUnitCount
    }

    /// The method the file implements: `veer.method`, else what its operation implies.
    public var effectiveMethod: SteeringMethod {
        if let steeringMethod { return steeringMethod }
        switch operation {
        case .add: return .additive
        case .rotate: return .spherical
        case .scaleUnits: return .austeer
        }
    }

}
