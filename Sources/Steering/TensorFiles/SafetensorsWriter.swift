import Foundation

/// Writes f32 tensors in the safetensors format (huggingface/safetensors, "Format" in its README):
///
///     u64 little-endian N | N bytes of UTF-8 JSON header | data
///
/// The header maps each tensor name to {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]} (byte offsets
/// into the data, which the tensors cover contiguously, in header order, with no gaps), plus an optional
/// "__metadata__" map of string to string. The header is padded with spaces so the data starts 8-byte aligned, as the
/// reference implementation does.
public enum SafetensorsWriter {
    /// One tensor: f32 values in C (row-major) order.
    public struct Tensor: Sendable {
        /// The tensor's name in the header; unique in a file.
        public var name: String
        /// Its dimensions, outermost first.
        public var shape: [Int]
        /// Its elements in C (row-major) order.
        public var values: [Float]
        /// A tensor from its parts.
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name; self.shape = shape; self.values = values
        }
    }

    /// The reference implementation refuses headers above 100 MB.
    public static let maxHeaderBytes = 100_000_000

    /// Writes `tensors` and the string `metadata` to `url`; bad input or a failed write is a `TensorFileError` naming the file.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let header = try headerBytes(tensors, metadata: metadata, file: url.path)
        let sink = try BinaryFileSink(url: url)
        var length = [UInt8]()
        for i in 0..<8 { length.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(i)))) }
        try sink.write(length)
        try sink.write(header)
        for tensor in tensors { try sink.writeLittleEndian(tensor.values) }
        try sink.commit()
    }

    /// The JSON header, space-padded so 8 + its length is a multiple of 8.
    static func headerBytes(_ tensors: [Tensor], metadata: [String: String], file: String) throws -> [UInt8] {
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonStringLiteral($0.key)):\(jsonStringLiteral($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var names = Set<String>()
        var offset = 0
        for tensor in tensors {
            guard tensor.name != "__metadata__" else { throw TensorFileError.reservedName(file: file, tensor: tensor.name) }
            guard names.insert(tensor.name).inserted else { throw TensorFileError.duplicateName(file: file, tensor: tensor.name) }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.shape.reduce(1, *) == tensor.values.count else {
                throw TensorFileError.shapeMismatch(file: file, tensor: tensor.name, shape: tensor.shape, values: tensor.values.count)
            }
            let end = offset + 4 * tensor.values.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonStringLiteral(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array("{\(entries.joined(separator: ","))}".utf8)
        while (8 + bytes.count) % 8 != 0 { bytes.append(0x20) }
        guard bytes.count <= maxHeaderBytes else {
            throw TensorFileError.headerTooLarge(file: file, bytes: bytes.count, limit: maxHeaderBytes)
        }
        return bytes
    }
}
