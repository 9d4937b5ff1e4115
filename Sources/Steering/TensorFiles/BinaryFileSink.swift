import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written front to back, so a large tensor never needs a second copy in memory. The bytes go to a temporary
/// name in the destination's directory and `commit()` renames it into place: a reader never sees a half-written file,
/// and a failed write (a full disk) or an abandoned sink removes the temporary file instead of leaving a truncated one.
final class BinaryFileSink {
    let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var committed = false

    init(url: URL) throws {
        path = url.path
        temporaryPath = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).partial-\(getpid())").path
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure(path, errno) }
    }

    deinit { if !committed { discard() } }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure(path, errno)
                }
                offset += written
            }
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

    /// Flushes and closes the temporary file and renames it to `path`. Some file systems report a full disk only
    /// here (on close), so this can fail like a write.
    func commit() throws {
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw Self.failure(path, errno) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw Self.failure(path, errno) }
        guard rename(temporaryPath, path) == 0 else { throw Self.failure(path, errno) }
        committed = true
    }

    /// Closes and removes the temporary file.
    func discard() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
        unlink(temporaryPath)
    }

    /// The error for `code`, in plain words for the usual causes.
    static func failure(_ path: String, _ code: Int32) -> TensorFileError {
        let reason: String
        switch code {
        case ENOSPC: reason = "no space left on the device (free some space or write elsewhere)"
        case EDQUOT: reason = "the disk quota is exceeded (free some space or write elsewhere)"
        case EACCES, EPERM: reason = "permission denied (choose a directory you can write to)"
        case EROFS: reason = "the file system is read-only (choose another directory)"
        case ENOENT: reason = "the directory does not exist"
        case ENOTDIR: reason = "a part of the path is not a directory"
        default: reason = String(cString: strerror(code))
        }
        return .cannotCreate(file: path, reason: reason)
    }
}

/// POSIX write(2) (the sink's own `write` hides the bare name).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
