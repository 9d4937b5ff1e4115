import CVulkan
import Synchronization

/// Moves bytes to and from device-local buffers that the host cannot map: one persistent host-visible buffer, one
/// command buffer and one fence, reused for every transfer, so per-token uploads allocate nothing.
final class StagingArea: @unchecked Sendable {
    static let chunkBytes = 4 << 20

    // The device owns this area and destroys it first in its deinit, so the reference is always valid; unowned(unsafe)
    // because a safe unowned load would trap while the device is deiniting.
    private unowned(unsafe) let device: VulkanDevice
    private let buffer: VkBuffer
    private let memory: VkDeviceMemory
    private let mapped: UnsafeMutableRawPointer
    private let commandBuffer: VkCommandBuffer
    private let fence: VkFence

    init(device: VulkanDevice) throws {
        self.device = device
        let d = device.handle
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(Self.chunkBytes)
        info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var created: VkBuffer?
        try check(vkCreateBuffer(d, &info, nil, &created), "vkCreateBuffer(staging)")
        buffer = created!
        device.counter.created(.buffer)
        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(d, buffer, &requirements)
        let host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        guard let type = device.memoryType(typeBits: requirements.memoryTypeBits, required: host,
                                           preferred: VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue) else {
            throw VulkanError.noMemoryType("staging needs a HOST_VISIBLE|HOST_COHERENT type")
        }
        var allocation = VkMemoryAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocation.allocationSize = requirements.size
        allocation.memoryTypeIndex = UInt32(type)
        var mem: VkDeviceMemory?
        try check(vkAllocateMemory(d, &allocation, nil, &mem), "vkAllocateMemory(staging)")
        memory = mem!
        device.counter.created(.memory)
        try check(vkBindBufferMemory(d, buffer, memory, 0), "vkBindBufferMemory(staging)")
        var pointer: UnsafeMutableRawPointer?
        try check(vkMapMemory(d, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &pointer), "vkMapMemory(staging)")
        mapped = pointer!
        commandBuffer = try device.allocateCommandBuffer()
        fence = try device.makeFence()
    }

    deinit {
        let d = device.handle
        vkDestroyFence(d, fence, nil)
        device.counter.destroyed(.fence)
        device.freeCommandBuffer(commandBuffer)
        vkUnmapMemory(d, memory)
        vkDestroyBuffer(d, buffer, nil)
        vkFreeMemory(d, memory, nil)
        device.counter.destroyed(.buffer)
        device.counter.destroyed(.memory)
    }

    func upload(_ bytes: UnsafeRawBufferPointer, to target: VulkanBuffer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = min(Self.chunkBytes, bytes.count - done)
            mapped.copyMemory(from: bytes.baseAddress! + done, byteCount: n)
            try copy(from: buffer, at: 0, to: target.handle, at: offset + done, bytes: n)
            done += n
        }
    }

    func download(from source: VulkanBuffer, at offset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = min(Self.chunkBytes, bytes.count - done)
            try copy(from: source.handle, at: offset + done, to: buffer, at: 0, bytes: n)
            (bytes.baseAddress! + done).copyMemory(from: mapped, byteCount: n)
            done += n
        }
    }

    /// One copy, submitted and waited for. Full memory barriers on both sides order it against earlier and later
    /// compute work on the queue.
    private func copy(from src: VkBuffer, at srcOffset: Int, to dst: VkBuffer, at dstOffset: Int, bytes: Int) throws {
        try check(vkResetCommandBuffer(commandBuffer, 0), "vkResetCommandBuffer(staging)")
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer(staging)")
        fullBarrier(commandBuffer)
        var region = VkBufferCopy(srcOffset: VkDeviceSize(srcOffset), dstOffset: VkDeviceSize(dstOffset), size: VkDeviceSize(bytes))
        vkCmdCopyBuffer(commandBuffer, src, dst, 1, &region)
        fullBarrier(commandBuffer)
        try check(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer(staging)")
        try device.submitAndWait(commandBuffer, fence: fence)
    }
}

/// A global memory barrier from all prior commands (and host writes) to all later ones.
func fullBarrier(_ commandBuffer: VkCommandBuffer) {
    var barrier = VkMemoryBarrier()
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
    barrier.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT.rawValue | VK_ACCESS_HOST_WRITE_BIT.rawValue
    barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT.rawValue | VK_ACCESS_MEMORY_WRITE_BIT.rawValue
    vkCmdPipelineBarrier(commandBuffer, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT.rawValue,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
}

extension VulkanDevice {
    func allocateCommandBuffer() throws -> VkCommandBuffer {
        var info = VkCommandBufferAllocateInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        info.commandPool = commandPool
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        info.commandBufferCount = 1
        var buffer: VkCommandBuffer?
        try queueLock.withLock { _ in
            try check(vkAllocateCommandBuffers(handle, &info, &buffer), "vkAllocateCommandBuffers")
        }
        counter.created(.commandBuffer)
        return buffer!
    }

    func freeCommandBuffer(_ buffer: VkCommandBuffer) {
        var b: VkCommandBuffer? = buffer
        queueLock.withLock { _ in vkFreeCommandBuffers(handle, commandPool, 1, &b) }
        counter.destroyed(.commandBuffer)
    }

    func makeFence() throws -> VkFence {
        var info = VkFenceCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        try check(vkCreateFence(handle, &info, nil, &fence), "vkCreateFence")
        counter.created(.fence)
        return fence!
    }

    /// Submits one command buffer and blocks until its fence signals, then resets the fence.
    func submitAndWait(_ commandBuffer: VkCommandBuffer, fence: VkFence) throws {
        try submit(commandBuffer, fence: fence)
        try wait(fence)
    }

    func submit(_ commandBuffer: VkCommandBuffer, fence: VkFence) throws {
        var cb: VkCommandBuffer? = commandBuffer
        try withUnsafePointer(to: &cb) { cbPtr in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = cbPtr
            try queueLock.withLock { _ in try check(vkQueueSubmit(queue, 1, &submit, fence), "vkQueueSubmit") }
        }
    }

    func wait(_ fence: VkFence) throws {
        var f: VkFence? = fence
        try check(vkWaitForFences(handle, 1, &f, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
        try check(vkResetFences(handle, 1, &f), "vkResetFences")
    }
}
