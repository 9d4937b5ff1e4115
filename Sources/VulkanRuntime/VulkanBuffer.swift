import CVulkan
import Foundation

/// A storage buffer with its own memory. Mapped persistently when a memory type is both device-local and
/// host-visible (lavapipe, integrated GPUs, ReBAR) and staging is not forced; otherwise device-local, with uploads
/// and readbacks through the device's staging area.
///
/// A new buffer's contents are undefined (not zeroed): uploading weights must not pay for a clear first.
///
/// `write` and `read` are synchronous with respect to the host but do not wait for queued GPU work: the caller
/// (the backend) orders them against its submissions.
///
/// `@unchecked Sendable`: every stored property is immutable; the bytes behind it are the caller's to order.
public final class VulkanBuffer: @unchecked Sendable {
    public let byteCount: Int
    public let label: String
    public let device: VulkanDevice
    /// The VkBuffer and its memory, each released by its own owner (also when this init throws half-way).
    let storage: DeviceMemoryBuffer
    var handle: VkBuffer { storage.handle }
    var mapped: UnsafeMutableRawPointer? { storage.mapped }

    public var isHostMapped: Bool { mapped != nil }

    init(device: VulkanDevice, byteCount: Int, label: String) throws {
        self.device = device
        self.byteCount = byteCount
        self.label = label
        storage = try DeviceMemoryBuffer(core: device.core, byteCount: byteCount, label: label, placement: .storage)
    }

    func checkRange(_ offset: Int, _ count: Int, _ what: String) throws {
        guard offset >= 0, count >= 0, offset <= byteCount, count <= byteCount - offset else {  // no overflow
            throw VulkanError.invalidUse("\(what) of \(count) bytes at offset \(offset) is outside buffer '\(label)' (\(byteCount) bytes)")
        }
    }

    /// Copies bytes into the buffer.
    public func write(_ bytes: UnsafeRawBufferPointer, at byteOffset: Int) throws {
        try checkRange(byteOffset, bytes.count, "write")
        guard bytes.count > 0, let source = bytes.baseAddress else { return }
        if let mapped {
            (mapped + byteOffset).copyMemory(from: source, byteCount: bytes.count)
        } else {
            try device.withStaging { try $0.upload(source, count: bytes.count, to: self, at: byteOffset) }
        }
    }

    /// Copies bytes out of the buffer.
    public func read(at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try checkRange(byteOffset, bytes.count, "read")
        guard bytes.count > 0, let destination = bytes.baseAddress else { return }
        if let mapped {
            destination.copyMemory(from: mapped + byteOffset, byteCount: bytes.count)
        } else {
            try device.withStaging { try $0.download(from: self, at: byteOffset, into: destination, count: bytes.count) }
        }
    }
}

extension VulkanDevice {
    public func makeBuffer(byteCount: Int, label: String) throws -> VulkanBuffer {
        try VulkanBuffer(device: self, byteCount: byteCount, label: label)
    }
}
