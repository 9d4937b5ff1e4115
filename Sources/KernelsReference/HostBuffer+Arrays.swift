import Kernels

/// The reference reads and writes typed arrays out of host memory (`HostBuffer`, shared with the CPU backend), so
/// clarity wins over speed here.
extension HostBuffer {
    /// `count` values of type T starting at element `offset` (in T's, not bytes). The caller (an op's `validate`)
    /// has checked that they fit.
    func load<T>(_ type: T.Type, count: Int, offset: Int = 0) -> [T] {
        let start = offset * MemoryLayout<T>.stride
        precondition(start + count * MemoryLayout<T>.stride <= byteCount, "read past the end of '\(label)'")
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(
                from: UnsafeRawBufferPointer(start: base + start, count: count * MemoryLayout<T>.stride))
            initialized = count
        }
    }

    /// Every whole T the buffer holds.
    func loadAll<T>(_ type: T.Type) -> [T] { load(type, count: byteCount / MemoryLayout<T>.stride) }

    /// Writes `values` starting at element `offset` (in T's).
    func store<T>(_ values: [T], offset: Int = 0) {
        let start = offset * MemoryLayout<T>.stride
        precondition(start + values.count * MemoryLayout<T>.stride <= byteCount, "write past the end of '\(label)'")
        values.withUnsafeBytes { (base + start).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }
}
