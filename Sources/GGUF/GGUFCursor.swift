/// A bounds-checked little-endian reader over the file's bytes. Every read checks the bytes left first and throws
/// `truncated` naming what it was reading; every count is checked against the bytes left before anything is
/// allocated for it. Nothing here can read outside `bytes`.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var offset: Int = 0

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes can be read.
    func require(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count <= remaining else {
            throw GGUFError(file: file, .truncated(what: what(), offset: offset, needed: count, available: remaining))
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try require(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// A count of items that each take at least `minimumItemSize` bytes: checked against the bytes left, so an
    /// absurd count is an error instead of a huge allocation.
    mutating func readCount(_ what: @autoclosure () -> String, minimumItemSize: Int) throws -> Int {
        let at = offset
        let count = try read(UInt64.self, what())
        let limit = UInt64(remaining / max(minimumItemSize, 1))
        guard count <= limit else {
            throw GGUFError(file: file, .countTooLarge(what: what(), count: count, offset: at, limit: limit))
        }
        return Int(count)
    }

    /// A GGUF string: u64 byte length, then the bytes (no terminator), decoded as UTF-8.
    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try readCount("the length of \(what())", minimumItemSize: 1)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        offset += length
        return text
    }

    /// Reads `count` fixed-width values in one pass (the caller has already bounded `count`).
    mutating func readArray<T: FixedWidthInteger>(_: T.Type, count: Int, _ what: @autoclosure () -> String) throws -> [T] {
        let stride = MemoryLayout<T>.size
        try require(count * stride, what())
        let start = offset
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: start + i * stride, as: T.self))
            }
            initialized = count
        }
        offset += count * stride
        return values
    }
}
