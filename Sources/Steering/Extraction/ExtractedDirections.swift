/// Directions extracted from contrastive texts, ready to be written as a vector file and added at `resid_post[N]`.
public struct ExtractedDirections: Sendable {
    /// Floats per direction (the model width).
    public var width: Int
    /// Block N -> f32 [width], to be added at resid_post[N] (the output of block N, llama.cpp's `direction.N`).
    public var directions: [Int: [Float]]
    /// Block N -> mean L2 norm of the activations direction N was computed from (which rows: see each method), a
    /// scale to compare a direction's norm and a steering strength with.
    public var meanResidualNorms: [Int: Float]
    /// "mean-diff" or "cvector-mean".
    public var method: String
    /// How many contrastive pairs the directions were computed from.
    public var pairCount: Int
    /// How the method ran, for the vector file's provenance (e.g. "reduction": "last", "normalized": "false").
    public var settings: [String: String]

    /// Directions from their parts (the extraction methods build them).
    public init(width: Int, directions: [Int: [Float]], meanResidualNorms: [Int: Float], method: String,
                pairCount: Int, settings: [String: String] = [:]) {
        self.width = width; self.directions = directions; self.meanResidualNorms = meanResidualNorms
        self.method = method; self.pairCount = pairCount; self.settings = settings
    }
}
