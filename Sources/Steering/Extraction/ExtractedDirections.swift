/// Per-block data extracted from texts, ready to be written as a vector file: directions to add (most methods), a
/// prototype to rotate toward (Spherical) or unit coefficients (AUSteer), with how they are applied.
public struct ExtractedDirections: Sendable {
    /// Floats per direction: the width of the site they act on (the model width, or heads x head_dim).
    public var width: Int
    /// Block N -> f32 [width]: for `add`, the vector added at the site of block N (at resid_post, the output of block
    /// N, llama.cpp's `direction.N`); for `rotate`, the unit prototype μ; for `scale_units`, b per unit (0 = left
    /// alone).
    public var directions: [Int: [Float]]
    /// Block N -> mean L2 norm of the activations direction N was computed from (which rows: see each method), a
    /// scale to compare a direction's norm and a steering strength with.
    public var meanResidualNorms: [Int: Float]
    /// The extraction method: "mean-diff", "cvector-mean", "pca-diff", "caa", ...
    public var method: String
    /// How many inputs the data came from (pairs, A/B items or labelled texts: `inputKind`).
    public var pairCount: Int
    /// What `pairCount` counts, for messages: "pairs", "items", "texts".
    public var inputKind: String
    /// How the method ran, for the vector file's provenance (e.g. "reduction": "last", "normalized": "false").
    public var settings: [String: String]
    /// How the data acts on the model: operation, site, steering method, positions, strength, gate.
    public var application: ExtractedApplication

    /// Directions from their parts (the extraction methods build them).
    public init(width: Int, directions: [Int: [Float]], meanResidualNorms: [Int: Float], method: String,
                pairCount: Int, inputKind: String = "pairs", settings: [String: String] = [:],
                application: ExtractedApplication = ExtractedApplication()) {
        self.width = width; self.directions = directions; self.meanResidualNorms = meanResidualNorms
        self.method = method; self.pairCount = pairCount; self.inputKind = inputKind; self.settings = settings
        self.application = application
    }
}
