import CVulkan
import Synchronization

/// A logical device with one compute queue. Children (buffers, pipelines, recordings) retain it, and it retains the
/// instance, so destruction always runs children first.
public final class VulkanDevice: @unchecked Sendable {
    public let info: PhysicalDeviceInfo
    public var limits: DeviceLimits { info.limits }
    public var features: DeviceFeatures { info.features }
    public let options: VulkanOptions

    let instance: VulkanInstance
    let physical: VkPhysicalDevice
    let handle: VkDevice
    let queue: VkQueue
    let queueFamily: UInt32
    let commandPool: VkCommandPool
    let memoryTypes: [PhysicalDeviceInfo.MemoryType]
    var counter: VulkanObjectCounter { instance.counter }
    /// Vulkan requires external synchronization of a queue and of a command pool.
    let queueLock = Mutex(())
    /// Created on the first transfer to a buffer the host cannot map; one transfer at a time.
    private let stagingSlot = Mutex<StagingArea?>(nil)

    init(instance: VulkanInstance, physical: VkPhysicalDevice, info: PhysicalDeviceInfo, options: VulkanOptions) throws {
        self.instance = instance
        self.physical = physical
        self.info = info
        self.options = options

        var familyCount: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(familyCount))
        vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, &families)
        guard let family = families.firstIndex(where: { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }) else {
            throw VulkanError.noDevice("\(info.name) has no compute queue")
        }
        queueFamily = UInt32(family)

        // Enable exactly the optional features we may use (those the device has and options did not disable).
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
        let result = withUnsafePointer(to: &priority) { priorityPtr in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = UInt32(family)
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
        }
        try check(result, "vkCreateDevice(\(info.name))")
        guard let created else { throw VulkanError.call("vkCreateDevice", VK_ERROR_INITIALIZATION_FAILED) }
        handle = created
        instance.counter.created(.device)

        var q: VkQueue?
        vkGetDeviceQueue(created, UInt32(family), 0, &q)
        guard let q else { throw VulkanError.noDevice("vkGetDeviceQueue returned no queue") }
        queue = q

        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = UInt32(family)
        var pool: VkCommandPool?
        let poolResult = vkCreateCommandPool(created, &poolInfo, nil, &pool)
        guard poolResult == VK_SUCCESS, let pool else {
            vkDestroyDevice(created, nil)
            instance.counter.destroyed(.device)
            throw VulkanError.call("vkCreateCommandPool", poolResult)
        }
        commandPool = pool
        instance.counter.created(.commandPool)

        var memory = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(physical, &memory)
        memoryTypes = PhysicalDeviceInfo.memoryTypeList(memory)
    }

    deinit {
        vkDeviceWaitIdle(handle)
        stagingSlot.withLock { $0 = nil }
        vkDestroyCommandPool(handle, commandPool, nil)
        counter.destroyed(.commandPool)
        vkDestroyDevice(handle, nil)
        counter.destroyed(.device)
    }

    /// Validation messages collected so far (empty when validation is off).
    public var validationMessages: [String] { instance.log.all }
    public func clearValidationMessages() { instance.log.clear() }
    public var objectCounter: VulkanObjectCounter { instance.counter }

    /// The first memory type allowed by `typeBits` that has all `required` flags, preferring one with `preferred`.
    func memoryType(typeBits: UInt32, required: UInt32, preferred: UInt32 = 0) -> Int? {
        let allowed = memoryTypes.filter { typeBits & (1 << UInt32($0.index)) != 0 && $0.flags & required == required }
        return (allowed.first { $0.flags & preferred == preferred } ?? allowed.first)?.index
    }

    func withStaging<R>(_ body: (StagingArea) throws -> R) throws -> R {
        try stagingSlot.withLock { slot in
            if slot == nil { slot = try StagingArea(device: self) }
            return try body(slot!)
        }
    }

    public func waitIdle() throws {
        try queueLock.withLock { _ in try check(vkDeviceWaitIdle(handle), "vkDeviceWaitIdle") }
    }
}
