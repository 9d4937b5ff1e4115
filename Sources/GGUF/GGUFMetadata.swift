/// The key-value section of a GGUF file, with typed getters. A getter throws `GGUFError` when the key is missing
/// (`missingKey`) or holds another type (`typeMismatch`, naming both types); nothing is converted silently except
/// where the getter says so (`integer`, `floatingPoint`).
public struct GGUFMetadata: Sendable {
    /// The file the values came from, for error messages.
    public let file: String
    /// Keys in file order.
    public private(set) var keys: [String] = []
    private var values: [String: GGUFValue] = [:]

    /// Empty metadata for `file` (the name errors show).
    public init(file: String) { self.file = file }

    /// Adds a value; a key that is already present is left as it is and false is returned.
    @discardableResult
    mutating func insert(_ key: String, _ value: GGUFValue) -> Bool {
        guard values[key] == nil else { return false }
        keys.append(key)
        values[key] = value
        return true
    }

    /// The number of keys.
    public var count: Int { keys.count }

    /// The value of `key`, or nil when absent.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value, or `missingKey`.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = values[key] else { throw GGUFError(file: file, .missingKey(key)) }
        return value
    }

    /// Runs `getter` only if the key is present; a present key of the wrong type still throws:
    /// `try metadata.ifPresent("tokenizer.ggml.add_bos_token", metadata.bool)`.
    public func ifPresent<T>(_ key: String, _ getter: (String) throws -> T) rethrows -> T? {
        contains(key) ? try getter(key) : nil
    }

    // MARK: Scalars of one exact type

    /// The `uint8` value of `key`; throws `missingKey` or `typeMismatch`.
    public func uint8(_ key: String) throws -> UInt8 { try typed(key, "uint8", \.uint8Value) }
    /// The `int8` value of `key`; throws `missingKey` or `typeMismatch`.
    public func int8(_ key: String) throws -> Int8 { try typed(key, "int8", \.int8Value) }
    /// The `uint16` value of `key`; throws `missingKey` or `typeMismatch`.
    public func uint16(_ key: String) throws -> UInt16 { try typed(key, "uint16", \.uint16Value) }
    /// The `int16` value of `key`; throws `missingKey` or `typeMismatch`.
    public func int16(_ key: String) throws -> Int16 { try typed(key, "int16", \.int16Value) }
    /// The `uint32` value of `key`; throws `missingKey` or `typeMismatch`.
    public func uint32(_ key: String) throws -> UInt32 { try typed(key, "uint32", \.uint32Value) }
    /// The `int32` value of `key`; throws `missingKey` or `typeMismatch`.
    public func int32(_ key: String) throws -> Int32 { try typed(key, "int32", \.int32Value) }
    /// The `uint64` value of `key`; throws `missingKey` or `typeMismatch`.
    public func uint64(_ key: String) throws -> UInt64 { try typed(key, "uint64", \.uint64Value) }
    /// The `int64` value of `key`; throws `missingKey` or `typeMismatch`.
    public func int64(_ key: String) throws -> Int64 { try typed(key, "int64", \.int64Value) }
    /// The `float32` value of `key`; throws `missingKey` or `typeMismatch`.
    public func float32(_ key: String) throws -> Float { try typed(key, "float32", \.float32Value) }
    /// The `float64` value of `key`; throws `missingKey` or `typeMismatch`.
    public func float64(_ key: String) throws -> Double { try typed(key, "float64", \.float64Value) }
    /// The `bool` value of `key`; throws `missingKey` or `typeMismatch`.
    public func bool(_ key: String) throws -> Bool { try typed(key, "bool", \.boolValue) }
    /// The `string` value of `key`; throws `missingKey` or `typeMismatch`.
    public func string(_ key: String) throws -> String { try typed(key, "string", \.stringValue) }

    // MARK: Scalars of any width

    /// Any integer type as an `Int`: writers disagree on uint32 vs int32 vs uint64 for counts, and the value is what
    /// matters. A uint64 above Int.max is `valueOutOfRange`.
    public func integer(_ key: String) throws -> Int {
        let value = try self.value(key)
        guard let wide = value.integerValue else {
            if case let .uint64(v) = value {
                throw GGUFError(file: file, .valueOutOfRange(
                    key: key, detail: "\(v) does not fit in a signed 64-bit integer"))
            }
            throw GGUFError(file: file, .typeMismatch(key: key, expected: "an integer", found: value.typeDescription))
        }
        return Int(wide)
    }

    /// A float32 or float64 value as a Double.
    public func floatingPoint(_ key: String) throws -> Double {
        try typed(key, "float32 or float64") { $0.float64Value ?? $0.float32Value.map(Double.init) }
    }

    // MARK: Arrays

    /// The array value of `key`, of any element type; throws `missingKey` or `typeMismatch`.
    public func array(_ key: String) throws -> GGUFArray { try typed(key, "an array", \.arrayValue) }
    /// The array of strings at `key`; throws `missingKey` or `typeMismatch`.
    public func stringArray(_ key: String) throws -> [String] {
        try typed(key, "array of string") { if case let .array(.string(v)) = $0 { v } else { nil } }
    }
    /// The array of `int32` at `key`; throws `missingKey` or `typeMismatch`.
    public func int32Array(_ key: String) throws -> [Int32] {
        try typed(key, "array of int32") { if case let .array(.int32(v)) = $0 { v } else { nil } }
    }
    /// The array of `uint32` at `key`; throws `missingKey` or `typeMismatch`.
    public func uint32Array(_ key: String) throws -> [UInt32] {
        try typed(key, "array of uint32") { if case let .array(.uint32(v)) = $0 { v } else { nil } }
    }
    /// The array of `float32` at `key`; throws `missingKey` or `typeMismatch`.
    public func float32Array(_ key: String) throws -> [Float] {
        try typed(key, "array of float32") { if case let .array(.float32(v)) = $0 { v } else { nil } }
    }

    /// Extracts one type or throws `typeMismatch` naming the expected and the found type.
    private func typed<T>(_ key: String, _ expected: String, _ extract: (GGUFValue) -> T?) throws -> T {
        let value = try self.value(key)
        guard let result = extract(value) else {
            throw GGUFError(file: file, .typeMismatch(key: key, expected: expected, found: value.typeDescription))
        }
        return result
    }
}
