import Kernels

/// A tensor as stored in a model file: its format, its shape in GGUF order (ne[0] is the innermost, contiguous
/// dimension, so a weight matrix [n, k] has shape [k, n]) and its raw bytes, borrowed from the file.
public struct StoredTensor {
    /// The tensor's name in the file.
    public var name: String
    /// How the elements are stored.
    public var type: DType
    /// Dimensions in GGUF order (innermost first).
    public var shape: [Int]
    /// The stored bytes, borrowed from the source.
    public var bytes: UnsafeRawBufferPointer
    /// A tensor over `bytes` (not copied).
    public init(name: String, type: DType, shape: [Int], bytes: UnsafeRawBufferPointer) {
        self.name = name; self.type = type; self.shape = shape; self.bytes = bytes
    }
}

/// Where a model's hyperparameters and weights come from (a GGUF file; synthetic models in tests).
/// Getters throw `ModelError` naming the key or tensor when it is missing or has the wrong type.
public protocol ModelSource: AnyObject {
    /// A human-readable name for errors (the file path).
    var sourceName: String { get }
    func integer(_ key: String) throws -> Int?
    func float(_ key: String) throws -> Float?
    func string(_ key: String) throws -> String?
    func hasTensor(_ name: String) -> Bool
    func tensor(_ name: String) throws -> StoredTensor
}

/// What can stop a model from loading or running: each case names the source and the key, tensor or input.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case missingKey(source: String, key: String)
    case invalidValue(source: String, key: String, detail: String)
    case missingTensor(source: String, name: String)
    case tensorShape(source: String, name: String, expected: [Int], found: [Int])
    case unsupported(source: String, detail: String)
    case input(String)

    /// The message, naming the file and the key, tensor or value.
    public var description: String {
        switch self {
        case let .missingKey(source, key): return "\(source): metadata key '\(key)' is missing"
        case let .invalidValue(source, key, detail): return "\(source): metadata key '\(key)': \(detail)"
        case let .missingTensor(source, name): return "\(source): tensor '\(name)' is missing"
        case let .tensorShape(source, name, expected, found):
            return "\(source): tensor '\(name)' has shape \(found), expected \(expected)"
        case let .unsupported(source, detail): return "\(source): \(detail)"
        case let .input(detail): return detail
        }
    }
}

extension ModelSource {
    func requireInteger(_ key: String) throws -> Int {
        guard let value = try integer(key) else { throw ModelError.missingKey(source: sourceName, key: key) }
        return value
    }
    func requireFloat(_ key: String) throws -> Float {
        guard let value = try float(key) else { throw ModelError.missingKey(source: sourceName, key: key) }
        return value
    }

    /// The tensor, checked against the expected GGUF shape.
    func tensor(_ name: String, shape: [Int]) throws -> StoredTensor {
        let t = try tensor(name)
        guard t.shape == shape else {
            throw ModelError.tensorShape(source: sourceName, name: name, expected: shape, found: t.shape)
        }
        return t
    }
}
