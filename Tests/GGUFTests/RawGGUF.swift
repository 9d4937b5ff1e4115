/// Builds GGUF byte images field by field, so tests can write what `GGUFWriter` never would: other tensor types,
/// bad counts, wrong versions.
struct RawGGUF {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes.append(contentsOf: s.utf8) }

    /// Magic, version and the two counts.
    static func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) -> RawGGUF {
        var raw = RawGGUF()
        raw.bytes.append(contentsOf: Array("GGUF".utf8))
        raw.u32(version)
        raw.u64(tensors)
        raw.u64(keys)
        return raw
    }

    /// A uint32 metadata entry.
    mutating func keyU32(_ key: String, _ value: UInt32) { string(key); u32(4); u32(value) }

    /// A tensor directory entry.
    mutating func tensor(_ name: String, shape: [Int64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(shape.count))
        shape.forEach { i64($0) }
        u32(type)
        u64(offset)
    }

    /// Zero padding up to the next multiple of `alignment`, then `count` data bytes.
    mutating func data(count: Int, alignment: Int = 32) {
        bytes.append(contentsOf: repeatElement(0, count: (alignment - bytes.count % alignment) % alignment))
        bytes.append(contentsOf: (0..<count).map { UInt8(truncatingIfNeeded: $0) })
    }
}
