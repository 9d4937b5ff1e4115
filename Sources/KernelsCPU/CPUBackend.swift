import Foundation
import Kernels

/// The fast CPU backend: the fallback on machines with no GPU.
///
/// Kernels are explicit SIMD16 loops over raw pointers, split over a fixed thread budget (`WorkerPool`) in fixed
/// chunks. Every output element is computed by one code path whose arithmetic order depends only on the op's
/// shape, so results are bit-identical for any thread count and any batch composition. Quantized matmuls never
/// dequantize whole matrices: each block is decoded in registers and used at once. Scratch memory is kept between
/// calls, so decoding allocates nothing in steady state.
///
/// Ops run synchronously on the calling thread (plus workers). Ops issued from several threads at once run one
/// after another: the worker pool and the scratch arenas belong to the backend, so each op holds them exclusively.
public final class CPUBackend: ComputeBackend, @unchecked Sendable {
    public typealias Buffer = CPUBuffer

    let pool: WorkerPool
    /// Held for the whole of each op (see the type's comment).
    private let opLock = NSLock()
    /// Per-call scratch: q4_1 block sums, steering tables and other small working sets.
    let scratch = ScratchArena()
    /// Per-worker scratch (attention scores, rope tables), one arena per worker so they never share memory.
    let workerScratch: [ScratchArena]

    /// - Parameter threads: worker threads; nil reads `VEER_THREADS`, else uses every active core.
    public init(threads: Int? = nil) {
        let count = threads ?? Self.threadsFromEnvironment() ?? ProcessInfo.processInfo.activeProcessorCount
        pool = WorkerPool(threads: max(1, count))
        workerScratch = (0..<max(1, count)).map { _ in ScratchArena() }
    }

    /// Runs one op with the pool and scratch to itself.
    func serialized<T>(_ body: () throws -> T) rethrows -> T {
        opLock.lock()
        defer { opLock.unlock() }
        return try body()
    }

    /// `VEER_THREADS` as a positive integer, or nil when unset or malformed.
    static func threadsFromEnvironment() -> Int? {
        guard let text = ProcessInfo.processInfo.environment["VEER_THREADS"], let value = Int(text), value > 0 else {
            return nil
        }
        return value
    }

    public var threads: Int { pool.threads }

    public var name: String { "cpu (\(threads) thread\(threads == 1 ? "" : "s"), SIMD16, f32)" }

    public func makeBuffer(byteCount: Int, label: String) throws -> CPUBuffer {
        guard byteCount >= 0 else {
            throw KernelError.invalidShape(op: "make_buffer", detail: "'\(label)' asks for \(byteCount) bytes")
        }
        return CPUBuffer(byteCount: byteCount, label: label)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, to buffer: CPUBuffer, at byteOffset: Int) throws {
        try checkRange(buffer, byteOffset, bytes.count, op: "write")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer.base + byteOffset).copyMemory(from: source, byteCount: bytes.count)
    }

    public func read(_ buffer: CPUBuffer, at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try checkRange(buffer, byteOffset, bytes.count, op: "read")
        guard let target = bytes.baseAddress, bytes.count > 0 else { return }
        target.copyMemory(from: buffer.base + byteOffset, byteCount: bytes.count)
    }

    /// Ops finish before they return: nothing to wait for.
    public func synchronize() throws {}

    private func checkRange(_ buffer: CPUBuffer, _ offset: Int, _ count: Int, op: String) throws {
        guard offset >= 0, count >= 0, offset + count <= buffer.byteCount else {
            throw KernelError.bufferTooSmall(op: op, operand: buffer.label, neededBytes: max(0, offset) + count,
                                             actualBytes: buffer.byteCount)
        }
    }
}
