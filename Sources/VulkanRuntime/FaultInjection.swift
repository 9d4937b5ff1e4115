import CVulkan
import Synchronization

/// Makes chosen Vulkan calls fail, so tests can show that an init that fails half-way releases what it already
/// made (the live-object counts return to their value before). Each armed failure fires once. Only tests arm it
/// (`VulkanOptions.faults`, `@_spi(Testing)`); a runtime without one calls Vulkan directly.
@_spi(Testing) public final class VulkanFaultInjector: Sendable {
    /// A call that can be made to fail, named after the step of an init (or of a wait) it belongs to.
    public enum Step: String, Sendable {
        /// vkGetDeviceQueue returns no queue (device creation).
        case deviceQueue
        case commandPool, memoryAllocation, memoryMap, commandBuffer, fence, queryPool, descriptorPool
        /// vkWaitForFences reports a lost device.
        case fenceWait

        /// What the failing call returns: what a driver returns when memory or the device is gone.
        var result: VkResult { self == .fenceWait ? VK_ERROR_DEVICE_LOST : VK_ERROR_OUT_OF_DEVICE_MEMORY }
    }

    /// The steps whose next call fails.
    private let armed = Mutex<Set<Step>>([])

    public init() {}

    /// Makes the next call of `step` fail, once.
    public func fail(_ step: Step) {
        _ = armed.withLock { $0.insert(step) }
    }

    /// Whether this call of `step` fails (and disarms it if so).
    func fires(_ step: Step) -> Bool {
        armed.withLock { $0.remove(step) != nil }
    }
}

extension Optional where Wrapped == VulkanFaultInjector {
    /// `call()`, unless a failure of `step` is armed: then the failure's VkResult, without calling Vulkan.
    func attempt(_ step: VulkanFaultInjector.Step, _ call: () -> VkResult) -> VkResult {
        if let injector = self, injector.fires(step) { return step.result }
        return call()
    }
}
