import Foundation

/// Writes one f32 array as a NumPy `.npy` file, format version 1.0 (numpy.lib.format):
///
///     "\x93NUMPY" | major 1 | minor 0 | u16 little-endian header length | header | data
///
/// The header is the Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (...), } padded with
/// spaces and ended by a newline so the data starts at a multiple of 64 bytes; data is little-endian f32, C order.
public enum NpyWriter {
    /// Writes `values` (C order, `shape`'s product of them) to `url`; bad input or a failed write is a `TensorFileError` naming the file.
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        let header = try headerBytes(shape: shape, values: values.count, file: url.path)
        let sink = try BinaryFileSink(url: url)
        try sink.write(header)
        try sink.writeLittleEndian(values)
        try sink.commit()
    }

    /// Magic, version, header length and the padded header: a multiple of 64 bytes.
    static func headerBytes(shape: [Int], values: Int, file: String) throws -> [UInt8] {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values else {
            throw TensorFileError.shapeMismatch(file: file, tensor: "array", shape: shape, values: values)
        }
        // Python tuple syntax: a 1-tuple needs its trailing comma.
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(tuple), }".utf8)
        let prefix = 10   // magic (6) + version (2) + header length (2)
        while (prefix + dict.count + 1) % 64 != 0 { dict.append(0x20) }
        dict.append(0x0A)
        guard dict.count <= Int(UInt16.max) else {
            throw TensorFileError.headerTooLarge(file: file, bytes: dict.count, limit: Int(UInt16.max))
        }
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
    }
}
