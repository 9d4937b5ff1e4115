/// Reusable aligned scratch memory: grows when an op needs more, never shrinks, so steady-state decoding
/// allocates nothing. Each kernel asks for what it needs at the start of a call (one arena per use, no nesting).
final class ScratchArena: @unchecked Sendable {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    deinit { storage?.deallocate() }

    /// At least `count` floats, 64-byte aligned; contents are undefined. Valid until the next call.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 16) * MemoryLayout<Float>.stride
        if bytes > capacity {
            storage?.deallocate()
            capacity = max(bytes, capacity * 2)
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: CPUBuffer.alignment)
        }
        return storage!.assumingMemoryBound(to: Float.self)
    }
}
