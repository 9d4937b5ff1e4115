import CVulkan

/// One Vulkan handle made on the device, destroyed (and counted out) when this owner goes. Owners like this one make
/// every failed init release what it made: Swift destroys the stored properties an init already set when it throws.
/// The factories below (`fence`, `queryPool`, `descriptorPool`, `commandBuffer`, `buffer`) and `ComputePipeline`
/// make every owner of the runtime except the memory allocation (`MemoryHandle`, which also holds the mapping).
final class Owned<Handle> {
    let core: DeviceCore
    let handle: Handle
    private let kind: VulkanObjectCounter.Kind
    private let destroy: (DeviceCore, Handle) -> Void

    /// Makes the handle with `create`, which writes it through the pointer it gets. When `fault` is armed on the
    /// device's fault injector, the call fails with that step's result instead. `call` names the call in errors.
    /// `destroy` must not capture anything: it gets the core and the handle.
    init(core: DeviceCore, kind: VulkanObjectCounter.Kind, fault: VulkanFaultInjector.Step?, call: @autoclosure () -> String,
         create: (UnsafeMutablePointer<Handle?>) -> VkResult, destroy: @escaping (DeviceCore, Handle) -> Void) throws {
        self.core = core
        self.kind = kind
        self.destroy = destroy
        var made: Handle?
        let result = fault.map { step in core.faults.attempt(step) { create(&made) } } ?? create(&made)
        try check(result, call())
        guard let made else { throw VulkanError.call(call(), VK_ERROR_INITIALIZATION_FAILED) }
        handle = made
        core.counter.created(kind)
    }

    deinit {
        destroy(core, handle)
        core.counter.destroyed(kind)
    }
}

extension Owned where Handle == VkCommandBuffer {
    /// One primary command buffer from the device's pool (allocated and freed under the queue lock, which guards
    /// the pool).
    static func commandBuffer(_ core: DeviceCore) throws -> Owned {
        var info = VkCommandBufferAllocateInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        info.commandPool = core.commandPool
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        info.commandBufferCount = 1
        return try Owned(core: core, kind: .commandBuffer, fault: .commandBuffer, call: "vkAllocateCommandBuffers",
                         create: { out in core.queueLock.withLock { _ in vkAllocateCommandBuffers(core.handle, &info, out) } },
                         destroy: { core, handle in
                             var b: VkCommandBuffer? = handle
                             core.queueLock.withLock { _ in vkFreeCommandBuffers(core.handle, core.commandPool, 1, &b) }
                         })
    }
}

extension Owned where Handle == VkFence {
    static func fence(_ core: DeviceCore) throws -> Owned {
        var info = VkFenceCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        return try Owned(core: core, kind: .fence, fault: .fence, call: "vkCreateFence",
                         create: { vkCreateFence(core.handle, &info, nil, $0) },
                         destroy: { vkDestroyFence($0.handle, $1, nil) })
    }
}

extension Owned where Handle == VkQueryPool {
    /// A pool of `timestamps` timestamp queries.
    static func queryPool(_ core: DeviceCore, timestamps: Int) throws -> Owned {
        var info = VkQueryPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
        info.queryType = VK_QUERY_TYPE_TIMESTAMP
        info.queryCount = UInt32(timestamps)
        return try Owned(core: core, kind: .queryPool, fault: .queryPool, call: "vkCreateQueryPool",
                         create: { vkCreateQueryPool(core.handle, &info, nil, $0) },
                         destroy: { vkDestroyQueryPool($0.handle, $1, nil) })
    }
}

extension Owned where Handle == VkDescriptorPool {
    /// A pool of `sets` sets of `descriptorsPerSet` storage-buffer descriptors; its sets go with it.
    static func descriptorPool(_ core: DeviceCore, sets: Int, descriptorsPerSet: Int) throws -> Owned {
        var size = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: UInt32(sets * descriptorsPerSet))
        return try Owned(core: core, kind: .descriptorPool, fault: .descriptorPool, call: "vkCreateDescriptorPool",
                         create: { out in withUnsafePointer(to: &size) { sizePtr in
                             var info = VkDescriptorPoolCreateInfo()
                             info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
                             info.maxSets = UInt32(sets)
                             info.poolSizeCount = 1
                             info.pPoolSizes = sizePtr
                             return vkCreateDescriptorPool(core.handle, &info, nil, out)
                         } },
                         destroy: { vkDestroyDescriptorPool($0.handle, $1, nil) })
    }
}

extension Owned where Handle == VkBuffer {
    /// A VkBuffer of `byteCount` bytes (no memory bound yet).
    static func buffer(_ core: DeviceCore, byteCount: Int, usage: UInt32, label: String) throws -> Owned {
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(byteCount)
        info.usage = usage
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        return try Owned(core: core, kind: .buffer, fault: nil, call: "vkCreateBuffer(\(label), \(byteCount) bytes)",
                         create: { vkCreateBuffer(core.handle, &info, nil, $0) },
                         destroy: { vkDestroyBuffer($0.handle, $1, nil) })
    }
}
