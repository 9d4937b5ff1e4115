import CVulkan

/// One primary command buffer from the device's pool, freed when this owner goes. Owners like this one make every
/// failed init release what it made: Swift destroys the stored properties an init already set when it throws.
final class OwnedCommandBuffer {
    let core: DeviceCore
    let handle: VkCommandBuffer

    init(core: DeviceCore) throws {
        self.core = core
        var info = VkCommandBufferAllocateInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        info.commandPool = core.commandPool
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        info.commandBufferCount = 1
        var buffer: VkCommandBuffer?
        try core.queueLock.withLock { _ in
            try check(core.faults.attempt(.commandBuffer) { vkAllocateCommandBuffers(core.handle, &info, &buffer) },
                      "vkAllocateCommandBuffers")
        }
        guard let buffer else { throw VulkanError.call("vkAllocateCommandBuffers", VK_ERROR_INITIALIZATION_FAILED) }
        handle = buffer
        core.counter.created(.commandBuffer)
    }

    deinit {
        var b: VkCommandBuffer? = handle
        core.queueLock.withLock { _ in vkFreeCommandBuffers(core.handle, core.commandPool, 1, &b) }
        core.counter.destroyed(.commandBuffer)
    }
}

/// One fence, destroyed when this owner goes.
final class OwnedFence {
    let core: DeviceCore
    let handle: VkFence

    init(core: DeviceCore) throws {
        self.core = core
        var info = VkFenceCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        try check(core.faults.attempt(.fence) { vkCreateFence(core.handle, &info, nil, &fence) }, "vkCreateFence")
        guard let fence else { throw VulkanError.call("vkCreateFence", VK_ERROR_INITIALIZATION_FAILED) }
        handle = fence
        core.counter.created(.fence)
    }

    deinit {
        vkDestroyFence(core.handle, handle, nil)
        core.counter.destroyed(.fence)
    }
}

/// One timestamp query pool, destroyed when this owner goes.
final class OwnedQueryPool {
    let core: DeviceCore
    let handle: VkQueryPool
    let capacity: Int

    init(core: DeviceCore, timestamps: Int) throws {
        self.core = core
        capacity = timestamps
        var info = VkQueryPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
        info.queryType = VK_QUERY_TYPE_TIMESTAMP
        info.queryCount = UInt32(timestamps)
        var pool: VkQueryPool?
        try check(core.faults.attempt(.queryPool) { vkCreateQueryPool(core.handle, &info, nil, &pool) }, "vkCreateQueryPool")
        guard let pool else { throw VulkanError.call("vkCreateQueryPool", VK_ERROR_INITIALIZATION_FAILED) }
        handle = pool
        core.counter.created(.queryPool)
    }

    deinit {
        vkDestroyQueryPool(core.handle, handle, nil)
        core.counter.destroyed(.queryPool)
    }
}

/// One descriptor pool of storage-buffer descriptors, destroyed (with its sets) when this owner goes.
final class OwnedDescriptorPool {
    let core: DeviceCore
    let handle: VkDescriptorPool

    init(core: DeviceCore, sets: Int, descriptorsPerSet: Int) throws {
        self.core = core
        var size = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: UInt32(sets * descriptorsPerSet))
        var pool: VkDescriptorPool?
        try withUnsafePointer(to: &size) { sizePtr in
            var info = VkDescriptorPoolCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
            info.maxSets = UInt32(sets)
            info.poolSizeCount = 1
            info.pPoolSizes = sizePtr
            try check(core.faults.attempt(.descriptorPool) { vkCreateDescriptorPool(core.handle, &info, nil, &pool) },
                      "vkCreateDescriptorPool")
        }
        guard let pool else { throw VulkanError.call("vkCreateDescriptorPool", VK_ERROR_INITIALIZATION_FAILED) }
        handle = pool
        core.counter.created(.descriptorPool)
    }

    deinit {
        vkDestroyDescriptorPool(core.handle, handle, nil)
        core.counter.destroyed(.descriptorPool)
    }
}
