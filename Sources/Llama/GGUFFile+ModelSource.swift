import GGUF

/// A GGUF file is the usual model source: metadata through the typed getters, tensors as borrowed bytes of the
/// mapping (valid while the file object lives; the model uploads them once).
extension GGUFFile: ModelSource {
    /// The file's path, as errors name it.
    public var sourceName: String { name }

    /// The integer at `key` (any integer type), or nil when absent.
    public func integer(_ key: String) throws -> Int? {
        metadata.contains(key) ? try metadata.integer(key) : nil
    }

    /// The floating-point value at `key` (float32 or float64), or nil when absent.
    public func float(_ key: String) throws -> Float? {
        metadata.contains(key) ? Float(try metadata.floatingPoint(key)) : nil
    }

    /// The string at `key`, or nil when absent.
    public func string(_ key: String) throws -> String? {
        metadata.contains(key) ? try metadata.string(key) : nil
    }

    /// The tensor `name`, its bytes borrowed from the mapping.
    public func tensor(_ name: String) throws -> StoredTensor {
        let info = try tensor(named: name)
        return StoredTensor(name: name, type: info.dtype, shape: info.shape, bytes: bytes(of: info))
    }
}
