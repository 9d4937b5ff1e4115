import CVulkan
import Synchronization

/// A logical device with one compute queue. Children (buffers, pipelines, recordings) retain it; it owns the
/// `DeviceCore` (the VkDevice, queue and command pool) and the staging area, both of which hold the core, so
/// destruction always runs children first and the VkDevice last.
public final class VulkanDevice: @unchecked Sendable {
    public let info: PhysicalDeviceInfo
    public var limits: DeviceLimits { info.limits }
    public var features: DeviceFeatures { info.features }
    public var options: VulkanOptions { core.options }

    let core: DeviceCore
    var handle: VkDevice { core.handle }
    var counter: VulkanObjectCounter { core.counter }
    /// Created on the first transfer to a buffer the host cannot map; one transfer at a time.
    private let stagingSlot = Mutex<StagingArea?>(nil)

    /// If any step fails (device, queue, command pool), what the earlier steps made is destroyed before the throw.
    init(instance: VulkanInstance, physical: VkPhysicalDevice, info: PhysicalDeviceInfo, options: VulkanOptions) throws {
        self.info = info
        core = try DeviceCore(instance: instance, physical: physical, info: info, options: options)
    }

    /// Validation messages collected so far (empty when validation is off).
    public var validationMessages: [String] { core.instance.log.all }
    public func clearValidationMessages() { core.instance.log.clear() }
    public var objectCounter: VulkanObjectCounter { core.counter }

    /// The failure of a submission that was dropped without `wait()` (its deinit waited and could not throw), or nil.
    /// Once set, every later submit on this device throws it: a lost device does not come back.
    public var deferredFailure: VulkanError? { core.deferredFailure.withLock { $0 } }

    /// Runs `body` with the staging area, making it first if needed (a failed make leaves no half-made area and is
    /// retried on the next transfer).
    func withStaging<R>(_ body: (StagingArea) throws -> R) throws -> R {
        try stagingSlot.withLock { slot in
            let area: StagingArea
            if let existing = slot {
                area = existing
            } else {
                area = try StagingArea(core: core)
                slot = area
            }
            return try body(area)
        }
    }

    public func waitIdle() throws {
        try core.queueLock.withLock { _ in try check(vkDeviceWaitIdle(handle), "vkDeviceWaitIdle") }
    }
}
