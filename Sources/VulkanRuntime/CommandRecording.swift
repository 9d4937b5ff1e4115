import CVulkan

public enum BufferAccess: Sendable { case read, write, readWrite }

/// One storage-buffer binding of a dispatch: a buffer range and how the shader uses it (for barrier placement).
public struct BufferBinding {
    public var buffer: VulkanBuffer
    public var access: BufferAccess
    public var offset: Int
    /// Bytes bound; nil means to the end of the buffer.
    public var range: Int?
    public init(_ buffer: VulkanBuffer, access: BufferAccess, offset: Int = 0, range: Int? = nil) {
        self.buffer = buffer; self.access = access; self.offset = offset; self.range = range
    }
    var boundBytes: Int { range ?? (buffer.byteCount - offset) }
}

/// One command buffer that records many dispatches, inserting a compute-to-compute barrier only where a dispatch
/// touches a buffer an earlier one wrote (or writes one an earlier one used) since the last barrier.
///
/// Lifetimes: Swift may free an object right after its last use, before the GPU ran the commands that use it, so a
/// recording retains every pipeline and buffer it binds until it is reset or freed, and a `Submission` retains the
/// recording until its fence signals. An ended recording can be submitted again and again (replay) without
/// allocating anything.
///
/// Not `Sendable`: recording mutates its state (pools, hazard sets, counts) without a lock; use a recording from one
/// thread at a time (the Vulkan backend does).
public final class CommandRecording {
    public let device: VulkanDevice
    // Each handle has its own owner, so an init or a pool allocation that throws releases what it made.
    private let commandBufferOwner: Owned<VkCommandBuffer>
    private let fenceOwner: Owned<VkFence>
    private let queryPool: Owned<VkQueryPool>?
    private var descriptorPools: [Owned<VkDescriptorPool>] = []
    private var setsInCurrentPool = 0
    private var poolCursor = 0
    private var retained: [AnyObject] = []
    private var writtenSinceBarrier = Set<ObjectIdentifier>()
    private var usedSinceBarrier = Set<ObjectIdentifier>()
    private let timestampCapacity: Int
    public private(set) var timestampCount = 0
    public private(set) var dispatchCount = 0
    public private(set) var barrierCount = 0
    public private(set) var isEnded = false
    var inFlight = false
    var commandBuffer: VkCommandBuffer { commandBufferOwner.handle }
    var fence: VkFence { fenceOwner.handle }

    static let setsPerPool = 256
    static let descriptorsPerSet = 16

    init(device: VulkanDevice, timestamps: Int) throws {
        self.device = device
        self.timestampCapacity = timestamps
        commandBufferOwner = try .commandBuffer(device.core)
        fenceOwner = try .fence(device.core)
        queryPool = timestamps > 0 ? try .queryPool(device.core, timestamps: timestamps) : nil
        try begin()
    }

    /// The command buffer must not be freed while the GPU runs it: a recording dropped in flight waits first. The
    /// wait's result is not checked: on a lost device the fence never signals but the wait returns at once, and the
    /// handles can then be destroyed.
    deinit {
        if inFlight {
            _ = withUnsafePointer(to: Optional(fence)) { vkWaitForFences(device.handle, 1, $0, VkBool32(VK_TRUE), UInt64.max) }
        }
    }

    private func begin() throws {
        var info = VkCommandBufferBeginInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        try check(vkBeginCommandBuffer(commandBuffer, &info), "vkBeginCommandBuffer")
        if let queryPool { vkCmdResetQueryPool(commandBuffer, queryPool.handle, 0, UInt32(timestampCapacity)) }
        // Host writes made before the submit are visible to the device (vkQueueSubmit's implicit host barrier).
    }

    /// Clears the recording for reuse; descriptor pools are kept and reset, so re-recording allocates nothing new.
    public func reset() throws {
        guard !inFlight else { throw VulkanError.invalidUse("reset of a recording that is still executing") }
        try check(vkResetCommandBuffer(commandBuffer, 0), "vkResetCommandBuffer")
        for pool in descriptorPools { try check(vkResetDescriptorPool(device.handle, pool.handle, 0), "vkResetDescriptorPool") }
        setsInCurrentPool = 0
        poolCursor = 0
        retained.removeAll(keepingCapacity: true)
        writtenSinceBarrier.removeAll(keepingCapacity: true)
        usedSinceBarrier.removeAll(keepingCapacity: true)
        dispatchCount = 0; barrierCount = 0; timestampCount = 0
        isEnded = false
        try begin()
    }

    private func allocateSet(_ pipeline: ComputePipeline) throws -> VkDescriptorSet {
        if descriptorPools.isEmpty {
            descriptorPools.append(try makeDescriptorPool())
        } else if setsInCurrentPool == Self.setsPerPool {
            if poolCursor + 1 == descriptorPools.count { descriptorPools.append(try makeDescriptorPool()) }
            poolCursor += 1
            setsInCurrentPool = 0
        }
        var layout: VkDescriptorSetLayout? = pipeline.setLayout
        var set: VkDescriptorSet?
        try withUnsafePointer(to: &layout) { layoutPtr in
            var info = VkDescriptorSetAllocateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            info.descriptorPool = descriptorPools[poolCursor].handle
            info.descriptorSetCount = 1
            info.pSetLayouts = layoutPtr
            try check(vkAllocateDescriptorSets(device.handle, &info, &set), "vkAllocateDescriptorSets")
        }
        guard let set else { throw VulkanError.call("vkAllocateDescriptorSets", VK_ERROR_OUT_OF_POOL_MEMORY) }
        setsInCurrentPool += 1
        return set
    }

    private func makeDescriptorPool() throws -> Owned<VkDescriptorPool> {
        try .descriptorPool(device.core, sets: Self.setsPerPool, descriptorsPerSet: Self.descriptorsPerSet)
    }

    /// Records one dispatch. Checks the binding count, push-constant size, group counts and binding ranges against
    /// the pipeline and the device limits, so a mistake is an error here rather than undefined behaviour on a GPU.
    public func dispatch<Push: BitwiseCopyable>(_ pipeline: ComputePipeline, bindings: [BufferBinding], push: Push,
                                                groups: (x: Int, y: Int, z: Int)) throws {
        guard !isEnded else { throw VulkanError.invalidUse("dispatch '\(pipeline.name)' into an ended recording") }
        guard pipeline.device === device else { throw VulkanError.invalidUse("pipeline '\(pipeline.name)' belongs to another device") }
        guard bindings.count == pipeline.bindingCount else {
            throw VulkanError.invalidUse("'\(pipeline.name)' takes \(pipeline.bindingCount) buffers, got \(bindings.count)")
        }
        guard MemoryLayout<Push>.size == pipeline.pushConstantBytes else {
            throw VulkanError.invalidUse("'\(pipeline.name)' takes \(pipeline.pushConstantBytes) push-constant bytes, got \(MemoryLayout<Push>.size)")
        }
        let limits = device.limits
        for (axis, count) in [groups.x, groups.y, groups.z].enumerated() {
            guard count >= 1, count <= limits.maxWorkgroupCount[axis] else {
                throw VulkanError.limitExceeded("'\(pipeline.name)': \(count) workgroups on axis \(axis) (1...\(limits.maxWorkgroupCount[axis]))")
            }
        }
        for (i, b) in bindings.enumerated() {
            guard b.buffer.device === device else { throw VulkanError.invalidUse("'\(pipeline.name)' binding \(i): buffer of another device") }
            try b.buffer.checkRange(b.offset, b.boundBytes, "'\(pipeline.name)' binding \(i)")
            guard b.boundBytes > 0 else { throw VulkanError.invalidUse("'\(pipeline.name)' binding \(i): empty range") }
            guard b.boundBytes <= limits.maxStorageBufferRange else {
                throw VulkanError.limitExceeded("'\(pipeline.name)' binding \(i) ('\(b.buffer.label)'): \(b.boundBytes) bytes > maxStorageBufferRange \(limits.maxStorageBufferRange); split the tensor")
            }
            guard b.offset % limits.minStorageBufferOffsetAlignment == 0 else {
                throw VulkanError.invalidUse("'\(pipeline.name)' binding \(i): offset \(b.offset) is not a multiple of \(limits.minStorageBufferOffsetAlignment)")
            }
        }

        insertBarrierIfNeeded(bindings)
        let set = try allocateSet(pipeline)
        var infos = bindings.map {
            VkDescriptorBufferInfo(buffer: $0.buffer.handle, offset: VkDeviceSize($0.offset), range: VkDeviceSize($0.boundBytes))
        }
        infos.withUnsafeMutableBufferPointer { infoPtr in
            var writes = (0..<bindings.count).map { i -> VkWriteDescriptorSet in
                var w = VkWriteDescriptorSet()
                w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                w.dstSet = set
                w.dstBinding = UInt32(i)
                w.descriptorCount = 1
                w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                w.pBufferInfo = UnsafePointer(infoPtr.baseAddress! + i)
                return w
            }
            vkUpdateDescriptorSets(device.handle, UInt32(writes.count), &writes, 0, nil)
        }
        vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle)
        var sets: VkDescriptorSet? = set
        vkCmdBindDescriptorSets(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &sets, 0, nil)
        if pipeline.pushConstantBytes > 0 {
            var value = push
            withUnsafeBytes(of: &value) { raw in
                vkCmdPushConstants(commandBuffer, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0,
                                   UInt32(raw.count), raw.baseAddress)
            }
        }
        vkCmdDispatch(commandBuffer, UInt32(groups.x), UInt32(groups.y), UInt32(groups.z))
        retained.append(pipeline)
        for b in bindings { retained.append(b.buffer) }
        dispatchCount += 1
    }

    private func insertBarrierIfNeeded(_ bindings: [BufferBinding]) {
        var hazard = false
        for b in bindings {
            let id = ObjectIdentifier(b.buffer)
            switch b.access {
            case .read: hazard = hazard || writtenSinceBarrier.contains(id)
            case .write, .readWrite: hazard = hazard || usedSinceBarrier.contains(id)
            }
        }
        if hazard {
            var barrier = VkMemoryBarrier()
            barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
            barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue
            barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
            vkCmdPipelineBarrier(commandBuffer, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue,
                                 VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
            writtenSinceBarrier.removeAll(keepingCapacity: true)
            usedSinceBarrier.removeAll(keepingCapacity: true)
            barrierCount += 1
        }
        for b in bindings {
            let id = ObjectIdentifier(b.buffer)
            usedSinceBarrier.insert(id)
            if b.access != .read { writtenSinceBarrier.insert(id) }
        }
    }

    /// Writes a GPU timestamp after all previously recorded work; returns its index for `timestamps()`.
    @discardableResult
    public func writeTimestamp() throws -> Int {
        guard let queryPool, timestampCount < timestampCapacity else {
            throw VulkanError.invalidUse("recording made with room for \(timestampCapacity) timestamps, asked for more")
        }
        vkCmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queryPool.handle, UInt32(timestampCount))
        timestampCount += 1
        return timestampCount - 1
    }

    /// Timestamps of the last completed submission, in nanoseconds.
    public func timestamps() throws -> [Double] {
        guard let queryPool, timestampCount > 0 else { return [] }
        guard !inFlight else { throw VulkanError.invalidUse("timestamps read before the submission finished") }
        var raw = [UInt64](repeating: 0, count: timestampCount)
        try raw.withUnsafeMutableBytes { bytes in
            try check(vkGetQueryPoolResults(device.handle, queryPool.handle, 0, UInt32(timestampCount), bytes.count,
                                            bytes.baseAddress, 8, VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue),
                      "vkGetQueryPoolResults")
        }
        return raw.map { Double($0) * device.limits.timestampPeriodNs }
    }

    public func end() throws {
        guard !isEnded else { return }
        try check(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
        isEnded = true
    }
}

/// A submitted recording. Holds it (and through it every buffer and pipeline it binds) until the fence signals.
///
/// Not `Sendable`: it hands its recording back to reuse, and the recording is not `Sendable` either.
public final class Submission {
    private var recording: CommandRecording?

    init(_ recording: CommandRecording) { self.recording = recording }

    /// Blocks until the GPU finished the work. Idempotent; a failed wait (a lost device) is thrown once, here, and
    /// the recording stays marked in flight (it cannot be reused).
    public func wait() throws {
        guard let recording else { return }
        self.recording = nil
        try recording.device.core.wait(recording.fence)
        recording.inFlight = false
    }

    /// Dropped without `wait()`: the GPU may still be using what the recording holds, so wait here. A deinit cannot
    /// throw, and a lost device must not pass unnoticed (the work's results would be silently wrong), so a failure
    /// is kept on the device: `VulkanDevice.deferredFailure` shows it and the device's next submit throws it. Not a
    /// crash: a library must not stop the process for a driver failure the caller can still report.
    deinit {
        guard let recording else { return }
        do {
            try wait()
        } catch {
            let failure = error as? VulkanError ?? .call("vkWaitForFences (\(error))", VK_ERROR_UNKNOWN)
            recording.device.core.deferredFailure.withLock { if $0 == nil { $0 = failure } }
        }
    }
}

extension VulkanDevice {
    /// A new recording, ready for dispatches. `timestamps`: room for that many GPU timestamps.
    public func makeRecording(timestamps: Int = 0) throws -> CommandRecording {
        try CommandRecording(device: self, timestamps: timestamps)
    }

    /// Submits an ended recording (ending it if needed). The same recording can be submitted again once its last
    /// submission was waited for.
    public func submit(_ recording: CommandRecording) throws -> Submission {
        guard recording.device === self else { throw VulkanError.invalidUse("recording of another device") }
        guard !recording.inFlight else { throw VulkanError.invalidUse("recording submitted while still executing") }
        try recording.end()
        try core.submit(recording.commandBuffer, fence: recording.fence)
        recording.inFlight = true
        return Submission(recording)
    }

    /// Records with `body`, submits and waits.
    public func run(timestamps: Int = 0, _ body: (CommandRecording) throws -> Void) throws {
        let recording = try makeRecording(timestamps: timestamps)
        try body(recording)
        try submit(recording).wait()
    }
}
