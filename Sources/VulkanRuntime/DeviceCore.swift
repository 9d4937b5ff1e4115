import CVulkan
import Synchronization

/// The VkDevice with its compute queue and command pool: what every object made on the device needs to use and
/// destroy its handles. The handle owners (buffer memory, command buffers, fences, the staging area) hold the core
/// strongly and the core holds none of them, so no handle can outlive the device. `VulkanDevice` is the public face:
/// it owns the core and the lazily made staging area, which therefore cannot hold the `VulkanDevice` itself.
///
/// `@unchecked Sendable`: every stored property is immutable after init except `deferredFailure`, a Mutex; the
/// queue and the command pool, which Vulkan requires to be externally synchronized, are only used under `queueLock`.
final class DeviceCore: @unchecked Sendable {
    let instance: VulkanInstance
    let handle: VkDevice
    let queue: VkQueue
    let commandPool: VkCommandPool
    let memoryTypes: [PhysicalDeviceInfo.MemoryType]
    let options: VulkanOptions
    let queueLock = Mutex(())
    /// The failure of a wait nobody could be told about (a `Submission` dropped without `wait()`, whose deinit
    /// cannot throw): the device's next submit throws it.
    let deferredFailure = Mutex<VulkanError?>(nil)
    var counter: VulkanObjectCounter { instance.counter }
    var faults: VulkanFaultInjector? { options.faults }

    /// Creates the device; if a later step (queue, command pool) fails, the device is destroyed before the throw.
    init(instance: VulkanInstance, physical: VkPhysicalDevice, info: PhysicalDeviceInfo, options: VulkanOptions) throws {
        self.instance = instance
        self.options = options
        let family = try Self.computeFamily(physical, name: info.name)
        let device = try Self.createDevice(physical, info: info, family: family)
        instance.counter.created(.device)
        do {
            guard let queue = Self.queue(device, family: family, faults: options.faults) else {
                throw VulkanError.noDevice("\(info.name): vkGetDeviceQueue returned no queue for family \(family)")
            }
            self.queue = queue
            commandPool = try Self.createCommandPool(device, family: family, faults: options.faults)
        } catch {
            vkDestroyDevice(device, nil)
            instance.counter.destroyed(.device)
            throw error
        }
        instance.counter.created(.commandPool)
        handle = device
        var memory = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(physical, &memory)
        memoryTypes = PhysicalDeviceInfo.memoryTypeList(memory)
    }

    deinit {
        vkDeviceWaitIdle(handle)
        vkDestroyCommandPool(handle, commandPool, nil)
        counter.destroyed(.commandPool)
        vkDestroyDevice(handle, nil)
        counter.destroyed(.device)
    }

    /// The first memory type allowed by `typeBits` that has all `required` flags, preferring one with `preferred`.
    func memoryType(typeBits: UInt32, required: UInt32, preferred: UInt32 = 0) -> Int? {
        let allowed = memoryTypes.filter { typeBits & (1 << UInt32($0.index)) != 0 && $0.flags & required == required }
        return (allowed.first { $0.flags & preferred == preferred } ?? allowed.first)?.index
    }

    private static func computeFamily(_ physical: VkPhysicalDevice, name: String) throws -> UInt32 {
        var familyCount: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(familyCount))
        vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, &families)
        guard let family = families.firstIndex(where: { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }) else {
            throw VulkanError.noDevice("\(name) has no compute queue")
        }
        return UInt32(family)
    }

    /// A device with one queue of `family` and exactly the optional features we may use (those the device has and
    /// the options did not disable).
    private static func createDevice(_ physical: VkPhysicalDevice, info: PhysicalDeviceInfo, family: UInt32) throws -> VkDevice {
        let f = info.features
        let v11 = Chained<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES)
        let v12 = Chained<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        let dot = Chained<VkPhysicalDeviceShaderIntegerDotProductFeatures>(
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES)
        v11.pointer.pointee.storageBuffer16BitAccess = f.storage16 ? 1 : 0
        v12.pointer.pointee.shaderFloat16 = f.fp16 ? 1 : 0
        v12.pointer.pointee.shaderInt8 = f.int8 ? 1 : 0
        v12.pointer.pointee.storageBuffer8BitAccess = f.storage8 ? 1 : 0
        v11.pointer.pointee.pNext = UnsafeMutableRawPointer(v12.pointer)
        if f.integerDot {
            dot.pointer.pointee.shaderIntegerDotProduct = 1
            v12.pointer.pointee.pNext = UnsafeMutableRawPointer(dot.pointer)
        }
        var priority: Float = 1
        var created: VkDevice?
        // The chained feature structs must live until vkCreateDevice has read them (Swift may free a local object
        // right after its last use, which is before the call).
        let result = withExtendedLifetime((v11, v12, dot)) { withUnsafePointer(to: &priority) { priorityPtr in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = family
            queueInfo.queueCount = 1
            queueInfo.pQueuePriorities = priorityPtr
            return withUnsafePointer(to: &queueInfo) { queuePtr in
                var deviceInfo = VkDeviceCreateInfo()
                deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                deviceInfo.pNext = UnsafeRawPointer(v11.pointer)
                deviceInfo.queueCreateInfoCount = 1
                deviceInfo.pQueueCreateInfos = queuePtr
                return vkCreateDevice(physical, &deviceInfo, nil, &created)
            }
        } }
        try check(result, "vkCreateDevice(\(info.name))")
        guard let created else { throw VulkanError.call("vkCreateDevice(\(info.name))", VK_ERROR_INITIALIZATION_FAILED) }
        return created
    }

    private static func queue(_ device: VkDevice, family: UInt32, faults: VulkanFaultInjector?) -> VkQueue? {
        if faults?.fires(.deviceQueue) == true { return nil }
        var queue: VkQueue?
        vkGetDeviceQueue(device, family, 0, &queue)
        return queue
    }

    private static func createCommandPool(_ device: VkDevice, family: UInt32, faults: VulkanFaultInjector?) throws -> VkCommandPool {
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = family
        var pool: VkCommandPool?
        try check(faults.attempt(.commandPool) { vkCreateCommandPool(device, &poolInfo, nil, &pool) }, "vkCreateCommandPool")
        guard let pool else { throw VulkanError.call("vkCreateCommandPool", VK_ERROR_INITIALIZATION_FAILED) }
        return pool
    }

    func submit(_ commandBuffer: VkCommandBuffer, fence: VkFence) throws {
        if let failure = deferredFailure.withLock({ $0 }) { throw failure }
        var cb: VkCommandBuffer? = commandBuffer
        try withUnsafePointer(to: &cb) { cbPtr in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = cbPtr
            try queueLock.withLock { _ in try check(vkQueueSubmit(queue, 1, &submit, fence), "vkQueueSubmit") }
        }
    }

    /// Blocks until `fence` signals, then resets it.
    func wait(_ fence: VkFence) throws {
        var f: VkFence? = fence
        try check(faults.attempt(.fenceWait) { vkWaitForFences(handle, 1, &f, VkBool32(VK_TRUE), UInt64.max) }, "vkWaitForFences")
        try check(vkResetFences(handle, 1, &f), "vkResetFences")
    }

    /// Submits one command buffer and blocks until its fence signals, then resets the fence.
    func submitAndWait(_ commandBuffer: VkCommandBuffer, fence: VkFence) throws {
        try submit(commandBuffer, fence: fence)
        try wait(fence)
    }
}
