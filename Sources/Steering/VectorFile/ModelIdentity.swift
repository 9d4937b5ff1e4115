import GGUF

/// What a vector is checked against: the model's width and block count (from `<arch>.embedding_length` and
/// `<arch>.block_count`, so any architecture works, not only llama) and its fingerprint.
public struct ModelIdentity: Sendable, Equatable {
    /// The model file's path, for messages.
    public var name: String
    /// `general.architecture` ("llama").
    public var architecture: String
    /// The residual width: `<arch>.embedding_length`.
    public var width: Int
    /// Transformer blocks: `<arch>.block_count`.
    public var blockCount: Int
    /// `ModelFingerprint` of the model: 64 lowercase hex digits.
    public var fingerprint: String
    /// Attention query heads: `<arch>.attention.head_count`.
    public var headCount: Int
    /// Width of one head: `<arch>.attention.key_length`, else width / head count.
    public var headDimension: Int
    /// Width of the FFN hidden layer (`mlp_mid`): `<arch>.feed_forward_length`, nil when the model does not say.
    public var feedForwardWidth: Int?

    /// The width of `heads_concat` (heads x head dimension), which differs from `width` on some models.
    public var headsWidth: Int { headCount * headDimension }

    /// The width of an edit site: `heads_concat` is heads x head dimension, the residual sites are `width`.
    public func width(of site: EditSite) -> Int { site == .headsConcat ? headsWidth : width }

    /// An identity from its parts (heads default to one head of the whole width, for vectors that only add to the
    /// residual).
    public init(name: String, architecture: String, width: Int, blockCount: Int, fingerprint: String,
                headCount: Int = 1, headDimension: Int? = nil, feedForwardWidth: Int? = nil) {
        self.name = name; self.architecture = architecture; self.width = width; self.blockCount = blockCount
        self.fingerprint = fingerprint; self.headCount = headCount; self.headDimension = headDimension ?? width / max(headCount, 1)
        self.feedForwardWidth = feedForwardWidth
    }

    /// Reads the identity of an opened model file. A missing or non-positive width or block count is an error
    /// naming the file and key.
    public init(file: GGUFFile) throws {
        let metadata = file.metadata
        let architecture = try metadata.string("general.architecture")
        func positive(_ key: String) throws -> Int {
            let value = try metadata.integer(key)
            guard value > 0 else { throw GGUFError(file: file.name, .valueOutOfRange(key: key, detail: "must be positive, found \(value)")) }
            return value
        }
        let width = try positive("\(architecture).embedding_length")
        let heads = try positive("\(architecture).attention.head_count")
        let keyLength = "\(architecture).attention.key_length"
        let headDimension = metadata[keyLength] == nil ? width / heads : try positive(keyLength)
        let feedForwardLength = "\(architecture).feed_forward_length"
        self.init(name: file.name, architecture: architecture, width: width,
                  blockCount: try positive("\(architecture).block_count"),
                  fingerprint: try ModelFingerprint.compute(file), headCount: heads, headDimension: headDimension,
                  feedForwardWidth: metadata[feedForwardLength] == nil ? nil : try positive(feedForwardLength))
    }
}
