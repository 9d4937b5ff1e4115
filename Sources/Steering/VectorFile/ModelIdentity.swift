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

    /// An identity from its parts.
    public init(name: String, architecture: String, width: Int, blockCount: Int, fingerprint: String) {
        self.name = name; self.architecture = architecture; self.width = width; self.blockCount = blockCount
        self.fingerprint = fingerprint
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
        self.init(name: file.name, architecture: architecture,
                  width: try positive("\(architecture).embedding_length"),
                  blockCount: try positive("\(architecture).block_count"),
                  fingerprint: try ModelFingerprint.compute(file))
    }
}
