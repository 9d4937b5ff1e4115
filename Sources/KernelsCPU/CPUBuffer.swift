import Kernels

/// Host memory for the CPU backend: `byteCount` bytes, 64-byte aligned (a cache line, and a whole SIMD16<Float>),
/// zeroed at creation, freed in `deinit`. Kernels read it through typed pointers; nothing else is kept.
public final class CPUBuffer: DeviceBuffer, @unchecked Sendable {
    public static let alignment = 64

    public let byteCount: Int
    public let label: String
    /// [byteCount] bytes.
    public let base: UnsafeMutableRawPointer

    init(byteCount: Int, label: String) {
        self.byteCount = byteCount
        self.label = label
        base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: Self.alignment)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { base.deallocate() }

    /// The buffer's memory as elements of T (all of our element types are plain 4-byte or 1-byte values).
    @inline(__always) func floats(at offset: Int = 0) -> UnsafeMutablePointer<Float> {
        base.assumingMemoryBound(to: Float.self) + offset
    }

    @inline(__always) func int32s() -> UnsafeMutablePointer<Int32> { base.assumingMemoryBound(to: Int32.self) }
}
