import CVulkan

/// Moves bytes to and from device-local buffers that the host cannot map: one persistent host-visible buffer, one
/// command buffer and one fence, reused for every transfer, so per-token uploads allocate nothing.
///
/// The `VulkanDevice` owns this area, so the area holds the device's core (strongly: it outlives the area) rather
/// than the device. Its buffer is a `DeviceMemoryBuffer`, the storage of `VulkanBuffer`; every handle has its own
/// owner, so an init that throws at any step releases what it made.
///
/// `@unchecked Sendable` so that the device's Mutex can hold it: its properties are immutable, and the transfer
/// state they point to (mapped bytes, command buffer, fence) is only used inside `VulkanDevice.withStaging`, under
/// that Mutex.
final class StagingArea: @unchecked Sendable {
    static let chunkBytes = 4 << 20

    private let core: DeviceCore
    private let buffer: DeviceMemoryBuffer
    private let mapped: UnsafeMutableRawPointer
    private let commandBuffer: Owned<VkCommandBuffer>
    private let fence: Owned<VkFence>

    init(core: DeviceCore) throws {
        self.core = core
        buffer = try DeviceMemoryBuffer(core: core, byteCount: Self.chunkBytes, label: "staging", placement: .staging)
        guard let mapped = buffer.mapped else {
            throw VulkanError.invalidUse("the staging buffer's memory is host-visible but was not mapped")
        }
        self.mapped = mapped
        commandBuffer = try .commandBuffer(core)
        fence = try .fence(core)
    }

    /// Copies `count` bytes from `source` into `target` at `offset` (a range the caller checked).
    func upload(_ source: UnsafeRawPointer, count: Int, to target: VulkanBuffer, at offset: Int) throws {
        var done = 0
        while done < count {
            let n = min(Self.chunkBytes, count - done)
            mapped.copyMemory(from: source + done, byteCount: n)
            try copy(from: buffer.handle, at: 0, to: target.handle, at: offset + done, bytes: n)
            done += n
        }
    }

    /// Copies `count` bytes of `source` at `offset` (a range the caller checked) to `destination`.
    func download(from source: VulkanBuffer, at offset: Int, into destination: UnsafeMutableRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = min(Self.chunkBytes, count - done)
            try copy(from: source.handle, at: offset + done, to: buffer.handle, at: 0, bytes: n)
            (destination + done).copyMemory(from: mapped, byteCount: n)
            done += n
        }
    }

    /// One copy, submitted and waited for. Full memory barriers on both sides order it against earlier and later
    /// compute work on the queue.
    private func copy(from src: VkBuffer, at srcOffset: Int, to dst: VkBuffer, at dstOffset: Int, bytes: Int) throws {
        let cb = commandBuffer.handle
        try check(vkResetCommandBuffer(cb, 0), "vkResetCommandBuffer(staging)")
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer(staging)")
        fullBarrier(cb)
        var region = VkBufferCopy(srcOffset: VkDeviceSize(srcOffset), dstOffset: VkDeviceSize(dstOffset), size: VkDeviceSize(bytes))
        vkCmdCopyBuffer(cb, src, dst, 1, &region)
        fullBarrier(cb)
        try check(vkEndCommandBuffer(cb), "vkEndCommandBuffer(staging)")
        try core.submitAndWait(cb, fence: fence.handle)
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
