/// The payload of a value when it has exactly that type, else nil.
extension GGUFValue {
    /// The value if it is a `uint8`, else nil.
    public var uint8Value: UInt8? { if case let .uint8(v) = self { v } else { nil } }
    /// The value if it is an `int8`, else nil.
    public var int8Value: Int8? { if case let .int8(v) = self { v } else { nil } }
    /// The value if it is a `uint16`, else nil.
    public var uint16Value: UInt16? { if case let .uint16(v) = self { v } else { nil } }
    /// The value if it is an `int16`, else nil.
    public var int16Value: Int16? { if case let .int16(v) = self { v } else { nil } }
    /// The value if it is a `uint32`, else nil.
    public var uint32Value: UInt32? { if case let .uint32(v) = self { v } else { nil } }
    /// The value if it is an `int32`, else nil.
    public var int32Value: Int32? { if case let .int32(v) = self { v } else { nil } }
    /// The value if it is a `uint64`, else nil.
    public var uint64Value: UInt64? { if case let .uint64(v) = self { v } else { nil } }
    /// The value if it is an `int64`, else nil.
    public var int64Value: Int64? { if case let .int64(v) = self { v } else { nil } }
    /// The value if it is a `float32`, else nil.
    public var float32Value: Float? { if case let .float32(v) = self { v } else { nil } }
    /// The value if it is a `float64`, else nil.
    public var float64Value: Double? { if case let .float64(v) = self { v } else { nil } }
    /// The value if it is a `bool`, else nil.
    public var boolValue: Bool? { if case let .bool(v) = self { v } else { nil } }
    /// The value if it is a `string`, else nil.
    public var stringValue: String? { if case let .string(v) = self { v } else { nil } }
    /// The value if it is an array, else nil.
    public var arrayValue: GGUFArray? { if case let .array(v) = self { v } else { nil } }
}
