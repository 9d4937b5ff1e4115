import Foundation

/// A file written front to back: created (or truncated) on open, so a large tensor never needs a second copy in
/// memory.
struct BinaryFileSink {
    let path: String
    private let handle: FileHandle

    init(url: URL) throws {
        path = url.path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw TensorFileError.cannotCreate(file: path, reason: "could not create the file (does the directory exist?)")
        }
        do { handle = try FileHandle(forWritingTo: url) } catch {
            throw TensorFileError.cannotCreate(file: path, reason: "\(error)")
        }
    }

    func write(_ bytes: [UInt8]) throws {
        do { try handle.write(contentsOf: bytes) } catch {
            throw TensorFileError.cannotCreate(file: path, reason: "\(error)")
        }
    }

    /// Writes `values` as little-endian IEEE-754 binary32, in blocks of 64 Ki values.
    func writeLittleEndian(_ values: [Float]) throws {
        let block = 1 << 16
        var start = 0
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * min(block, values.count))
        while start < values.count {
            let end = min(start + block, values.count)
            bytes.removeAll(keepingCapacity: true)
            for v in values[start..<end] {
                let bits = v.bitPattern
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
            try write(bytes)
            start = end
        }
    }

    func close() throws {
        do { try handle.close() } catch { throw TensorFileError.cannotCreate(file: path, reason: "\(error)") }
    }
}
