import Kernels

/// Plain host memory for the reference backend: `byteCount` raw bytes, zeroed at creation, freed in `deinit`.
/// The reference reads and writes typed arrays out of it, so clarity wins over speed here.
public final class HostBuffer: DeviceBuffer {
    public let byteCount: Int
    public let label: String
    /// [byteCount] bytes, 16-byte aligned (enough for every element type the ops use).
    let storage: UnsafeMutableRawPointer

    public init(byteCount: Int, label: String) {
        precondition(byteCount >= 0, "HostBuffer byteCount must not be negative")
        self.byteCount = byteCount
        self.label = label
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { storage.deallocate() }

    /// The whole buffer as bytes.
    public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: storage, count: byteCount) }

    /// `count` values of type T starting at element `offset` (in T's, not bytes). The caller (an op's `validate`)
    /// has checked that they fit.
    func load<T>(_ type: T.Type, count: Int, offset: Int = 0) -> [T] {
        let start = offset * MemoryLayout<T>.stride
        precondition(start + count * MemoryLayout<T>.stride <= byteCount, "read past the end of '\(label)'")
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(
                from: UnsafeRawBufferPointer(start: storage + start, count: count * MemoryLayout<T>.stride))
            initialized = count
        }
    }

    /// Every whole T the buffer holds.
    func loadAll<T>(_ type: T.Type) -> [T] { load(type, count: byteCount / MemoryLayout<T>.stride) }

    /// Writes `values` starting at element `offset` (in T's).
    func store<T>(_ values: [T], offset: Int = 0) {
        let start = offset * MemoryLayout<T>.stride
        precondition(start + values.count * MemoryLayout<T>.stride <= byteCount, "write past the end of '\(label)'")
        values.withUnsafeBytes { (storage + start).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }
}
