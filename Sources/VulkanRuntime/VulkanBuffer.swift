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
public final class VulkanBuffer: @unchecked Sendable {
    public let byteCount: Int
    public let label: String
    public let device: VulkanDevice
    let handle: VkBuffer
    let memory: VkDeviceMemory
    let mapped: UnsafeMutableRawPointer?

    public var isHostMapped: Bool { mapped != nil }

    init(device: VulkanDevice, byteCount: Int, label: String, hostVisible: Bool = false) throws {
        guard byteCount > 0 else { throw VulkanError.invalidUse("buffer '\(label)': size must be positive, got \(byteCount)") }
        self.device = device
        self.byteCount = byteCount
        self.label = label
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(byteCount)
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try check(vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer(\(label), \(byteCount) bytes)")
        guard let buffer else { throw VulkanError.call("vkCreateBuffer", VK_ERROR_INITIALIZATION_FAILED) }
        device.counter.created(.buffer)

        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device.handle, buffer, &requirements)
        let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let typeIndex: Int?
        var map = false
        if hostVisible {
            // Staging memory: host-visible and coherent, cached if possible (readbacks).
            typeIndex = device.memoryType(typeBits: requirements.memoryTypeBits, required: host,
                                          preferred: VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue)
            map = true
        } else if !device.options.forceStaging,
                  let both = device.memoryType(typeBits: requirements.memoryTypeBits, required: local | host) {
            typeIndex = both
            map = true
        } else {
            typeIndex = device.memoryType(typeBits: requirements.memoryTypeBits, required: local)
                ?? device.memoryType(typeBits: requirements.memoryTypeBits, required: 0)
        }
        guard let typeIndex else {
            vkDestroyBuffer(device.handle, buffer, nil)
            device.counter.destroyed(.buffer)
            throw VulkanError.noMemoryType("buffer '\(label)' (type bits 0x\(String(requirements.memoryTypeBits, radix: 16)))")
        }
        var allocation = VkMemoryAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocation.allocationSize = requirements.size
        allocation.memoryTypeIndex = UInt32(typeIndex)
        var memory: VkDeviceMemory?
        let allocResult = vkAllocateMemory(device.handle, &allocation, nil, &memory)
        guard allocResult == VK_SUCCESS, let memory else {
            vkDestroyBuffer(device.handle, buffer, nil)
            device.counter.destroyed(.buffer)
            throw VulkanError.call("vkAllocateMemory(\(label), \(requirements.size) bytes)", allocResult)
        }
        device.counter.created(.memory)
        self.handle = buffer
        self.memory = memory
        do {
            try check(vkBindBufferMemory(device.handle, buffer, memory, 0), "vkBindBufferMemory(\(label))")
            if map {
                var pointer: UnsafeMutableRawPointer?
                try check(vkMapMemory(device.handle, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &pointer), "vkMapMemory(\(label))")
                mapped = pointer
            } else {
                mapped = nil
            }
        } catch {
            vkDestroyBuffer(device.handle, buffer, nil)
            vkFreeMemory(device.handle, memory, nil)
            device.counter.destroyed(.buffer)
            device.counter.destroyed(.memory)
            throw error
        }
    }

    deinit {
        if mapped != nil { vkUnmapMemory(device.handle, memory) }
        vkDestroyBuffer(device.handle, handle, nil)
        vkFreeMemory(device.handle, memory, nil)
        device.counter.destroyed(.buffer)
        device.counter.destroyed(.memory)
    }

    func checkRange(_ offset: Int, _ count: Int, _ what: String) throws {
        guard offset >= 0, count >= 0, offset + count <= byteCount else {
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
            try device.withStaging { try $0.upload(bytes, to: self, at: byteOffset) }
        }
    }

    /// Copies bytes out of the buffer.
    public func read(at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try checkRange(byteOffset, bytes.count, "read")
        guard bytes.count > 0, let destination = bytes.baseAddress else { return }
        if let mapped {
            destination.copyMemory(from: mapped + byteOffset, byteCount: bytes.count)
        } else {
            try device.withStaging { try $0.download(from: self, at: byteOffset, into: bytes) }
        }
    }
}

extension VulkanDevice {
    public func makeBuffer(byteCount: Int, label: String) throws -> VulkanBuffer {
        try VulkanBuffer(device: self, byteCount: byteCount, label: label)
    }
}
