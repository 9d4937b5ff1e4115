import Kernels

/// The CPU backend's buffers are plain host memory (`HostBuffer`, 64-byte aligned); its kernels read them through
/// typed pointers.
public typealias CPUBuffer = HostBuffer

extension HostBuffer {
    /// The buffer's memory as Floats from element `offset` (all of our element types are plain 4-byte or 1-byte values).
    @inline(__always) func floats(at offset: Int = 0) -> UnsafeMutablePointer<Float> {
        base.assumingMemoryBound(to: Float.self) + offset
    }

    @inline(__always) func int32s() -> UnsafeMutablePointer<Int32> { base.assumingMemoryBound(to: Int32.self) }
}
