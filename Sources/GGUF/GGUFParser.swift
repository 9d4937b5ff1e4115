/// Reads the header, metadata and tensor directory of a GGUF image (layout: see GGUFFile.swift) and checks them.
struct GGUFParser {
    struct Parsed {
        var version: UInt32
        var metadata: GGUFMetadata
        var alignment: Int
        var dataOffset: Int
        var tensors: [GGUFTensorInfo]
    }

    static let defaultAlignment = 32
    /// Arrays of arrays deeper than this are refused: real files never nest, and recursion depth must stay bounded.
    static let maximumArrayDepth = 8
    /// ggml tensors have at most four dimensions (GGML_MAX_DIMS).
    static let maximumDimensions = 4
    /// Smallest tensor directory entry: name length (8), n_dims (4), one dimension (8), type (4), offset (8).
    static let minimumTensorEntrySize = 32
    /// Smallest metadata entry: key length (8), value type (4), a one-byte value.
    static let minimumMetadataEntrySize = 13

    private var cursor: GGUFCursor
    private var file: String { cursor.file }

    init(bytes: UnsafeRawBufferPointer, file: String) {
        cursor = GGUFCursor(bytes: bytes, file: file)
    }

    mutating func parse() throws -> Parsed {
        try cursor.require(4, "the magic number")
        let magic = Array(cursor.bytes[0..<4])
        guard magic == Array("GGUF".utf8) else { throw GGUFError(file: file, .badMagic(found: magic)) }
        _ = try cursor.read(UInt32.self, "the magic number")
        let version = try cursor.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else { throw GGUFError(file: file, .unsupportedVersion(version)) }
        // Each count is bounded by what the rest of the file could hold once the other count has been read.
        let tensorCountOffset = cursor.offset
        let rawTensorCount = try cursor.read(UInt64.self, "the tensor count")
        let metadataCount = try cursor.readCount("the metadata entry count",
                                                 minimumItemSize: Self.minimumMetadataEntrySize)

        var metadata = GGUFMetadata(file: file)
        for index in 0..<metadataCount {
            let key = try cursor.readString("metadata key #\(index)")
            let value = try readValue(key: key)
            guard metadata.insert(key, value) else { throw GGUFError(file: file, .duplicateKey(key)) }
        }
        let alignment = try Self.alignment(from: metadata, file: file)

        let tensorLimit = UInt64(cursor.remaining / Self.minimumTensorEntrySize)
        guard rawTensorCount <= tensorLimit else {
            throw GGUFError(file: file, .countTooLarge(what: "the tensor count", count: rawTensorCount,
                                                       offset: tensorCountOffset, limit: tensorLimit))
        }
        let entries = try (0..<Int(rawTensorCount)).map { try readTensorEntry(index: $0) }

        // The data section starts at the first aligned offset after the directory (it may be empty).
        let dataOffset = (cursor.offset + alignment - 1) / alignment * alignment
        var seen = Set<String>()
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            guard seen.insert(entry.name).inserted else { throw GGUFError(file: file, .duplicateTensor(entry.name)) }
            tensors.append(try GGUFTensorInfo(
                name: entry.name, shape: entry.shape, type: entry.type, offset: entry.offset, alignment: alignment,
                dataOffset: dataOffset, fileSize: cursor.bytes.count, file: file))
        }
        return Parsed(version: version, metadata: metadata, alignment: alignment, dataOffset: dataOffset,
                      tensors: tensors)
    }

    /// `general.alignment` must be a nonzero uint32 power of two when present.
    static func alignment(from metadata: GGUFMetadata, file: String) throws -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case let .uint32(alignment) = value, alignment > 0, alignment & (alignment - 1) == 0 else {
            throw GGUFError(file: file, .invalidAlignment(found: "\(value.typeDescription) \(value)"))
        }
        return Int(alignment)
    }

    // MARK: Metadata values

    private mutating func readValueType(key: String, _ what: String) throws -> GGUFValueType {
        let raw = try cursor.read(UInt32.self, what)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError(file: file, .invalidValueType(key: key, raw: raw))
        }
        return type
    }

    private mutating func readValue(key: String) throws -> GGUFValue {
        let type = try readValueType(key: key, "the value type of '\(key)'")
        let what = "the value of '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, what))
        case .int8: return .int8(try cursor.read(Int8.self, what))
        case .uint16: return .uint16(try cursor.read(UInt16.self, what))
        case .int16: return .int16(try cursor.read(Int16.self, what))
        case .uint32: return .uint32(try cursor.read(UInt32.self, what))
        case .int32: return .int32(try cursor.read(Int32.self, what))
        case .uint64: return .uint64(try cursor.read(UInt64.self, what))
        case .int64: return .int64(try cursor.read(Int64.self, what))
        case .float32: return .float32(try cursor.readFloat(what))
        case .float64: return .float64(try cursor.readDouble(what))
        case .bool: return .bool(try cursor.read(UInt8.self, what) != 0)
        case .string: return .string(try cursor.readString(what))
        case .array: return .array(try readArray(key: key, depth: 1))
        }
    }

    private mutating func readArray(key: String, depth: Int) throws -> GGUFArray {
        guard depth <= Self.maximumArrayDepth else {
            throw GGUFError(file: file, .arrayTooDeep(key: key, depth: depth))
        }
        let elementType = try readValueType(key: key, "the element type of '\(key)'")
        let what = "the elements of '\(key)'"
        let count = try cursor.readCount("the element count of '\(key)'",
                                         minimumItemSize: elementType.minimumEncodedSize)
        switch elementType {
        case .uint8: return .uint8(try cursor.readArray(UInt8.self, count: count, what))
        case .int8: return .int8(try cursor.readArray(Int8.self, count: count, what))
        case .uint16: return .uint16(try cursor.readArray(UInt16.self, count: count, what))
        case .int16: return .int16(try cursor.readArray(Int16.self, count: count, what))
        case .uint32: return .uint32(try cursor.readArray(UInt32.self, count: count, what))
        case .int32: return .int32(try cursor.readArray(Int32.self, count: count, what))
        case .uint64: return .uint64(try cursor.readArray(UInt64.self, count: count, what))
        case .int64: return .int64(try cursor.readArray(Int64.self, count: count, what))
        case .float32:
            return .float32(try cursor.readArray(UInt32.self, count: count, what).map(Float.init(bitPattern:)))
        case .float64:
            return .float64(try cursor.readArray(UInt64.self, count: count, what).map(Double.init(bitPattern:)))
        case .bool: return .bool(try cursor.readArray(UInt8.self, count: count, what).map { $0 != 0 })
        case .string:
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0..<count { strings.append(try cursor.readString("element \(index) of '\(key)'")) }
            return .string(strings)
        case .array:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(count)
            for _ in 0..<count { arrays.append(try readArray(key: key, depth: depth + 1)) }
            return .array(arrays)
        }
    }

    // MARK: Tensor directory

    private struct TensorEntry {
        var name: String
        var shape: [Int64]
        var type: GGMLType
        var offset: UInt64
    }

    private mutating func readTensorEntry(index: Int) throws -> TensorEntry {
        let name = try cursor.readString("the name of tensor #\(index)")
        let dimensions = try cursor.read(UInt32.self, "the dimension count of tensor '\(name)'")
        guard dimensions >= 1, dimensions <= UInt32(Self.maximumDimensions) else {
            throw GGUFError(file: file, .invalidTensor(name: name,
                detail: "has \(dimensions) dimensions; ggml tensors have 1...\(Self.maximumDimensions)"))
        }
        let shape = try cursor.readArray(Int64.self, count: Int(dimensions), "the shape of tensor '\(name)'")
        let type = GGMLType(rawValue: try cursor.read(UInt32.self, "the type of tensor '\(name)'"))
        let offset = try cursor.read(UInt64.self, "the data offset of tensor '\(name)'")
        return TensorEntry(name: name, shape: shape, type: type, offset: offset)
    }
}
