import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// A backend buffer: a Vulkan storage buffer of whole 32-bit words holding `byteCount` bytes of data.
    public final class Buffer: DeviceBuffer {
        /// The bytes callers asked for; the allocation may be up to 3 bytes longer.
        public let byteCount: Int
        public let storage: VulkanBuffer
        public var label: String { storage.label }

        init(_ storage: VulkanBuffer, byteCount: Int) {
            self.storage = storage
            self.byteCount = byteCount
        }

        func checkRange(_ offset: Int, _ count: Int, _ what: String) throws {
            guard rangeFits(offset: offset, count: count, in: byteCount) else {
                throw VulkanBackendError.invalidUse(
                    "\(what) of \(count) bytes at offset \(offset) is outside buffer '\(label)' (\(byteCount) bytes)")
            }
        }
    }
}
