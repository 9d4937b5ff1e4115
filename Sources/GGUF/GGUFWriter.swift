import Kernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes GGUF version 3 files: metadata of any type, f32 tensors from values and tensors of any supported type
/// from their encoded bytes. Small on purpose: test fixtures, control-vector files (llama.cpp reads
/// `direction.<layer>` f32 tensors with `general.architecture` "controlvector") and synthetic models.
public struct GGUFWriter: Sendable {
    private var metadata: [(key: String, value: GGUFValue)] = []
    /// Each tensor's data as stored: `type`'s encoding of its elements.
    private var tensors: [(name: String, shape: [Int], type: DType, bytes: [UInt8])] = []

    /// An empty file: no metadata, no tensors.
    public init() {}

    /// Sets a metadata value; setting a key again replaces its value in place.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let index = metadata.firstIndex(where: { $0.key == key }) {
            metadata[index].value = value
        } else {
            metadata.append((key, value))
        }
    }

    /// Adds an f32 tensor. `shape` is in GGUF order (shape[0] innermost) and its product must equal `values.count`.
    public mutating func addTensor(name: String, shape: [Int], values: [Float]) throws {
        guard shape.reduce(1, *) == values.count else {
            throw Self.invalid("tensor '\(name)' has shape \(shape) but \(values.count) values")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * values.count)
        for value in values { append(value.bitPattern, to: &bytes) }
        try addTensor(name: name, shape: shape, type: .f32, bytes: bytes)
    }

    /// Adds a tensor of any supported type from its encoded bytes: whole blocks of `type` for every row of
    /// `shape[0]` elements.
    public mutating func addTensor(name: String, shape: [Int], type: DType, bytes: [UInt8]) throws {
        guard !tensors.contains(where: { $0.name == name }) else { throw Self.invalid("tensor '\(name)' was added twice") }
        guard (1...GGUFParser.maximumDimensions).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw Self.invalid("tensor '\(name)' has shape \(shape); 1...\(GGUFParser.maximumDimensions) non-negative dimensions")
        }
        guard shape[0] % type.blockSize == 0 else {
            throw Self.invalid("tensor '\(name)': rows of \(shape[0]) elements are not whole \(type) blocks of \(type.blockSize)")
        }
        let expected = type.rowBytes(shape[0]) * shape.dropFirst().reduce(1, *)
        guard bytes.count == expected else {
            throw Self.invalid("tensor '\(name)' of shape \(shape) in \(type) takes \(expected) bytes, got \(bytes.count)")
        }
        tensors.append((name, shape, type, bytes))
    }

    private static func invalid(_ detail: String) -> GGUFError { GGUFError(file: "GGUFWriter", .invalidWriterInput(detail)) }

    /// The complete file image.
    public func serialize() throws -> [UInt8] {
        var metadataImage = GGUFMetadata(file: "GGUFWriter")
        for (key, value) in metadata { metadataImage.insert(key, value) }
        let alignment = try GGUFParser.alignment(from: metadataImage, file: "GGUFWriter")

        var out: [UInt8] = []
        out.append(contentsOf: Array("GGUF".utf8))
        append(UInt32(3), to: &out)
        append(UInt64(tensors.count), to: &out)
        append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            appendString(key, to: &out)
            append(value.type.rawValue, to: &out)
            appendPayload(of: value, to: &out)
        }
        // Tensor data is laid out back to back, each start rounded up to the alignment.
        var offsets: [Int] = []
        var dataSize = 0
        for tensor in tensors {
            offsets.append(dataSize)
            dataSize = roundUp(dataSize + tensor.bytes.count, alignment)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            appendString(tensor.name, to: &out)
            append(UInt32(tensor.shape.count), to: &out)
            for dim in tensor.shape { append(Int64(dim), to: &out) }
            append(GGMLType(tensor.type).rawValue, to: &out)
            append(UInt64(offset), to: &out)
        }
        out.append(contentsOf: repeatElement(0, count: roundUp(out.count, alignment) - out.count))
        let dataStart = out.count
        for (tensor, offset) in zip(tensors, offsets) {
            out.append(contentsOf: repeatElement(0, count: dataStart + offset - out.count))
            out.append(contentsOf: tensor.bytes)
        }
        if !tensors.isEmpty { out.append(contentsOf: repeatElement(0, count: dataStart + dataSize - out.count)) }
        return out
    }

    /// Writes the file image to `path`, replacing any file there.
    public func write(to path: String) throws {
        let image = try serialize()
        guard let handle = fopen(path, "wb") else {
            throw GGUFError(file: path, .cannotOpen(reason: String(cString: strerror(errno))))
        }
        let written = image.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        let closed = fclose(handle)
        guard written == image.count, closed == 0 else {
            throw GGUFError(file: path, .cannotOpen(reason: "writing failed: \(String(cString: strerror(errno)))"))
        }
    }

    // MARK: Encoding

    private func roundUp(_ value: Int, _ alignment: Int) -> Int { (value + alignment - 1) / alignment * alignment }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private func appendString(_ string: String, to out: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &out)
        out.append(contentsOf: string.utf8)
    }

    private func appendPayload(of value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case let .uint8(v): append(v, to: &out)
        case let .int8(v): append(v, to: &out)
        case let .uint16(v): append(v, to: &out)
        case let .int16(v): append(v, to: &out)
        case let .uint32(v): append(v, to: &out)
        case let .int32(v): append(v, to: &out)
        case let .uint64(v): append(v, to: &out)
        case let .int64(v): append(v, to: &out)
        case let .float32(v): append(v.bitPattern, to: &out)
        case let .float64(v): append(v.bitPattern, to: &out)
        case let .bool(v): append(UInt8(v ? 1 : 0), to: &out)
        case let .string(v): appendString(v, to: &out)
        case let .array(array): appendArray(array, to: &out)
        }
    }

    private func appendArray(_ array: GGUFArray, to out: inout [UInt8]) {
        append(array.elementType.rawValue, to: &out)
        append(UInt64(array.count), to: &out)
        switch array {
        case let .uint8(a): a.forEach { append($0, to: &out) }
        case let .int8(a): a.forEach { append($0, to: &out) }
        case let .uint16(a): a.forEach { append($0, to: &out) }
        case let .int16(a): a.forEach { append($0, to: &out) }
        case let .uint32(a): a.forEach { append($0, to: &out) }
        case let .int32(a): a.forEach { append($0, to: &out) }
        case let .uint64(a): a.forEach { append($0, to: &out) }
        case let .int64(a): a.forEach { append($0, to: &out) }
        case let .float32(a): a.forEach { append($0.bitPattern, to: &out) }
        case let .float64(a): a.forEach { append($0.bitPattern, to: &out) }
        case let .bool(a): a.forEach { append(UInt8($0 ? 1 : 0), to: &out) }
        case let .string(a): a.forEach { appendString($0, to: &out) }
        case let .array(a): a.forEach { appendArray($0, to: &out) }
        }
    }
}
