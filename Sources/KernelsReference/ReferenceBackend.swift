import Kernels
import KernelABI

/// `ComputeBackend` over host memory that runs every op through the plain `Reference` functions: the oracle in
/// backend form, so the same model code and test cases can run on it. Ops run at once; `synchronize` has nothing
/// to wait for. Slow by design.
public final class ReferenceBackend: ComputeBackend {
    public typealias Buffer = HostBuffer

    public init() {}

    public var name: String { "reference (host, f64 accumulation)" }

    public func makeBuffer(byteCount: Int, label: String) throws -> HostBuffer {
        guard byteCount >= 0 else {
            throw KernelError.invalidShape(op: "make_buffer", detail: "'\(label)' asks for \(byteCount) bytes")
        }
        return HostBuffer(byteCount: byteCount, label: label)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, to buffer: HostBuffer, at byteOffset: Int) throws {
        try checkRange(buffer, byteOffset, bytes.count, op: "write")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer.storage + byteOffset).copyMemory(from: source, byteCount: bytes.count)
    }

    public func read(_ buffer: HostBuffer, at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try checkRange(buffer, byteOffset, bytes.count, op: "read")
        guard let target = bytes.baseAddress, bytes.count > 0 else { return }
        target.copyMemory(from: buffer.storage + byteOffset, byteCount: bytes.count)
    }

    public func synchronize() throws {}

    private func checkRange(_ buffer: HostBuffer, _ offset: Int, _ count: Int, op: String) throws {
        guard offset >= 0, count >= 0, offset + count <= buffer.byteCount else {
            throw KernelError.bufferTooSmall(op: op, operand: buffer.label, neededBytes: max(0, offset) + count,
                                             actualBytes: buffer.byteCount)
        }
    }
}
