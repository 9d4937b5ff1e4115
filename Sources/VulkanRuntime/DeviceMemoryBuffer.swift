import CVulkan

/// A VkBuffer bound to its own VkDeviceMemory, mapped when the memory is host-visible: the storage of a
/// `VulkanBuffer` and of the staging area. It holds the device core, not the `VulkanDevice`, so the staging area
/// that the device owns can be built on it without a reference cycle. Each handle has its own owner, so an init that
/// throws at any step (no memory type, allocation over the heap, bind, map) releases what it made.
final class DeviceMemoryBuffer {
    /// Where the memory lives.
    enum Placement {
        /// Device-local; host-visible too (and mapped) when such a type exists and staging is not forced.
        case storage
        /// Host-visible and coherent, cached if possible, always mapped: the staging area's transfer buffer.
        case staging
    }

    private let buffer: Owned<VkBuffer>
    private let memory: MemoryHandle
    var handle: VkBuffer { buffer.handle }
    var mapped: UnsafeMutableRawPointer? { memory.mapped }

    init(core: DeviceCore, byteCount: Int, label: String, placement: Placement) throws {
        guard byteCount > 0 else { throw VulkanError.invalidUse("buffer '\(label)': size must be positive, got \(byteCount)") }
        let usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
            | (placement == .storage ? VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue : 0)
        buffer = try .buffer(core, byteCount: byteCount, usage: usage, label: label)
        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(core.handle, buffer.handle, &requirements)
        let (typeIndex, map) = try Self.memoryType(core, requirements.memoryTypeBits, placement, label: label)
        memory = try MemoryHandle(core: core, bytes: requirements.size, typeIndex: typeIndex, label: label)
        try check(vkBindBufferMemory(core.handle, buffer.handle, memory.handle, 0), "vkBindBufferMemory(\(label))")
        if map { try memory.map(label: label) }
    }

    /// The memory type for `placement` and whether to map it.
    private static func memoryType(_ core: DeviceCore, _ typeBits: UInt32, _ placement: Placement,
                                   label: String) throws -> (index: Int, map: Bool) {
        let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let found: (Int, Bool)?
        switch placement {
        case .staging:
            found = core.memoryType(typeBits: typeBits, required: host,
                                    preferred: VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue).map { ($0, true) }
        case .storage:
            if !core.options.forceStaging, let both = core.memoryType(typeBits: typeBits, required: local | host) {
                found = (both, true)
            } else {
                found = (core.memoryType(typeBits: typeBits, required: local)
                    ?? core.memoryType(typeBits: typeBits, required: 0)).map { ($0, false) }
            }
        }
        guard let found else {
            let need = placement == .staging ? "HOST_VISIBLE|HOST_COHERENT" : "any"
            throw VulkanError.noMemoryType("buffer '\(label)' needs \(need) memory (type bits 0x\(String(typeBits, radix: 16)))")
        }
        return found
    }
}

/// A VkDeviceMemory allocation, unmapped and freed when this owner goes.
private final class MemoryHandle {
    let core: DeviceCore
    let handle: VkDeviceMemory
    private(set) var mapped: UnsafeMutableRawPointer?

    init(core: DeviceCore, bytes: VkDeviceSize, typeIndex: Int, label: String) throws {
        self.core = core
        var allocation = VkMemoryAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocation.allocationSize = bytes
        allocation.memoryTypeIndex = UInt32(typeIndex)
        var memory: VkDeviceMemory?
        try check(core.faults.attempt(.memoryAllocation) { vkAllocateMemory(core.handle, &allocation, nil, &memory) },
                  "vkAllocateMemory(\(label), \(bytes) bytes)")
        guard let memory else { throw VulkanError.call("vkAllocateMemory(\(label))", VK_ERROR_INITIALIZATION_FAILED) }
        handle = memory
        core.counter.created(.memory)
    }

    func map(label: String) throws {
        var pointer: UnsafeMutableRawPointer?
        try check(core.faults.attempt(.memoryMap) { vkMapMemory(core.handle, handle, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &pointer) },
                  "vkMapMemory(\(label))")
        mapped = pointer
    }

    deinit {
        if mapped != nil { vkUnmapMemory(core.handle, handle) }
        vkFreeMemory(core.handle, handle, nil)
        core.counter.destroyed(.memory)
    }
}
