#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file: a read-only memory mapping of the file, or (for tests and generated files) a private
/// heap copy. The owner unmaps or frees in `deinit`; every buffer handed out points into `bytes` and is valid while
/// this object lives.
///
/// `@unchecked Sendable`: the memory is never written after `init` (the mapping is PROT_READ), so sharing it between
/// threads is safe.
final class GGUFStorage: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Maps `path` read-only. The file descriptor is closed right away: the mapping keeps the file alive.
    init(mapping path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError(file: path, .cannotOpen(reason: GGUFStorage.lastError())) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError(file: path, .cannotOpen(reason: GGUFStorage.lastError())) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(file: path, .cannotOpen(reason: "not a regular file"))
        }
        let size = Int(info.st_size)
        if size == 0 {
            // mmap rejects an empty range; an empty file is simply too short, which the parser reports.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            isMapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw GGUFError(file: path, .cannotOpen(reason: "mmap failed: \(GGUFStorage.lastError())"))
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        isMapped = true
    }

    /// Copies `source` into memory this object owns.
    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: source.count)
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
