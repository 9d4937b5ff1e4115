import Llama

/// How a vector file's data changes the residual stream. Only `add` exists yet; a new operation gets its own case,
/// its own Veer-only tensor names (so llama.cpp refuses such files instead of adding part of them) and a reader
/// that accepts them. A file naming an operation this build does not know is an error, never applied as `add`.
public enum SteeringOperation: String, Sendable, CaseIterable, Codable {
    /// `resid[N] += strength * direction[N]` at every steered position.
    case add
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
    /// Strengths that worked when the vector was made (e.g. from a sweep), in units of the stored directions.
    public var strengthRange: ClosedRange<Float>?
    /// For a file Veer converted from another tool's file: that tool.
    public var convertedFrom: VectorSourceFormat?

    /// Provenance from its parts; every field defaults to absent (or to what llama.cpp files imply).
    public init(sourceFormat: VectorSourceFormat = .veer, operation: SteeringOperation = .add, site: HookSite = .residPost,
                method: String? = nil, positions: String? = nil, bos: String? = nil, chatTemplate: String? = nil,
                layerNorms: [Int: Float] = [:], fingerprint: String? = nil, modelHint: String? = nil,
                strengthRange: ClosedRange<Float>? = nil, convertedFrom: VectorSourceFormat? = nil) {
        self.sourceFormat = sourceFormat; self.operation = operation; self.site = site; self.method = method
        self.positions = positions; self.bos = bos; self.chatTemplate = chatTemplate; self.layerNorms = layerNorms
        self.fingerprint = fingerprint; self.modelHint = modelHint; self.strengthRange = strengthRange
        self.convertedFrom = convertedFrom
    }
}
