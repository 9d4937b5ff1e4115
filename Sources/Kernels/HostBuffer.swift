import Foundation

/// Host memory for the backends that run on the CPU (the fast CPU backend and the reference): `byteCount` bytes,
/// 64-byte aligned (a cache line, and a whole SIMD16<Float>), zeroed at creation, freed in `deinit`; or, for weights,
/// bytes borrowed read-only from a model file's memory map (`init(borrowing:)`). Each backend reads it its own way
/// (typed pointers, or typed arrays); the memory and its bounds checks exist once, here.
public final class HostBuffer: DeviceBuffer, @unchecked Sendable {   // the memory is only touched by its backend's ops
    public static let alignment = 64

    public let byteCount: Int
    public let label: String
    /// [byteCount] bytes.
    public let base: UnsafeMutableRawPointer

    /// Buffers from this size up are mapped from the kernel, whose zero pages cost nothing until written: a KV cache
    /// sized for 2048 positions takes resident memory only for the positions used, and no time to clear.
    static let mappedThreshold = 1 << 20

    /// Throws `KernelError.invalidShape` for a negative size or memory the system refuses, naming the buffer.
    public init(byteCount: Int, label: String) throws {
        guard byteCount >= 0 else {
            throw KernelError.invalidShape(op: "make_buffer", detail: "'\(label)' asks for \(byteCount) bytes")
        }
        self.byteCount = byteCount
        self.label = label
        if byteCount >= Self.mappedThreshold {
            guard let mapped = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  mapped != MAP_FAILED else {
                throw KernelError.invalidShape(op: "make_buffer", detail: "'\(label)': cannot map \(byteCount) bytes (errno \(errno))")
            }
            base = mapped
            memory = .mapped
        } else {
            base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: Self.alignment)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
            memory = .allocated
        }
    }

    /// Who frees the memory.
    private enum Memory {
        case allocated, mapped
        /// Borrowed: `owner` keeps it alive.
        case borrowed(owner: AnyObject)
    }
    private let memory: Memory

    /// A buffer over `bytes`, which `owner` keeps mapped: nothing is copied or allocated. The memory is read-only
    /// (a model file's map): only weights, which no op writes, are made this way.
    public init(borrowing bytes: UnsafeRawBufferPointer, owner: AnyObject, label: String) {
        byteCount = bytes.count
        self.label = label
        memory = .borrowed(owner: owner)
        base = UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: Self.alignment)!)
    }

    deinit {
        switch memory {
        case .allocated: base.deallocate()
        case .mapped: munmap(base, byteCount)
        case .borrowed: break
        }
    }

    /// Throws `KernelError.bufferTooSmall` unless bytes [offset, offset + count) lie in the buffer.
    public func checkRange(_ offset: Int, _ count: Int, op: String) throws {
        guard rangeFits(offset: offset, count: count, in: byteCount) else {
            let (needed, overflow) = max(0, offset).addingReportingOverflow(count)
            throw KernelError.bufferTooSmall(op: op, operand: label, neededBytes: overflow ? .max : needed, actualBytes: byteCount)
        }
    }
}

/// Whether bytes [offset, offset + count) lie in a buffer of `byteCount` bytes: both non-negative and the end within
/// the buffer, computed without `offset + count`, which could overflow.
public func rangeFits(offset: Int, count: Int, in byteCount: Int) -> Bool {
    offset >= 0 && count >= 0 && offset <= byteCount && count <= byteCount - offset
}

/// A backend whose buffers are `HostBuffer`s and whose ops finish before they return: buffer creation, uploads,
/// downloads and `synchronize` are the same for all of them.
public protocol HostMemoryBackend: ComputeBackend where Buffer == HostBuffer {}

extension HostMemoryBackend {
    public func makeBuffer(byteCount: Int, label: String) throws -> HostBuffer {
        try HostBuffer(byteCount: byteCount, label: label)
    }

    /// Weights are used in place from the model file's memory map: loading copies nothing, and the pages count once
    /// in resident memory.
    public func makeWeightBuffer(_ bytes: UnsafeRawBufferPointer, owner: AnyObject, label: String) throws -> HostBuffer {
        HostBuffer(borrowing: bytes, owner: owner, label: label)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, to buffer: HostBuffer, at byteOffset: Int) throws {
        try buffer.checkRange(byteOffset, bytes.count, op: "write")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer.base + byteOffset).copyMemory(from: source, byteCount: bytes.count)
    }

    public func read(_ buffer: HostBuffer, at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try buffer.checkRange(byteOffset, bytes.count, op: "read")
        guard let target = bytes.baseAddress, bytes.count > 0 else { return }
        target.copyMemory(from: buffer.base + byteOffset, byteCount: bytes.count)
    }

    /// Ops finish before they return: nothing to wait for.
    public func synchronize() throws {}
}
