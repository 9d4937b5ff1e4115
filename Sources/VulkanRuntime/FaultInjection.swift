import CVulkan
import Synchronization

/// Makes chosen Vulkan calls fail, so tests can show that an init that fails half-way releases what it already
/// made (the live-object counts return to their value before). Each armed failure fires once. Only tests arm it
/// (`VulkanOptions.faults`, `@_spi(Testing)`); a runtime without one calls Vulkan directly.
@_spi(Testing) public final class VulkanFaultInjector: Sendable {
    /// A call that can be made to fail, named after the step of an init (or of a wait) it belongs to.
    public enum Step: String, Sendable, CaseIterable {
        /// vkGetDeviceQueue returns no queue (device creation).
        case deviceQueue
        case commandPool, memoryAllocation, memoryMap, commandBuffer, fence, queryPool, descriptorPool
        /// vkWaitForFences reports a lost device.
        case fenceWait

        /// What the failing call returns: what a driver returns when memory or the device is gone.
        var result: VkResult { self == .fenceWait ? VK_ERROR_DEVICE_LOST : VK_ERROR_OUT_OF_DEVICE_MEMORY }
    }

    /// Per step: how many more calls succeed before the armed one fails.
    private let armed = Mutex<[Step: Int]>([:])

    public init() {}

    /// Makes the call of `step` after the next `succeeding` ones fail, once.
    public func fail(_ step: Step, after succeeding: Int = 0) {
        armed.withLock { $0[step] = succeeding }
    }

    /// Whether this call of `step` fails (and disarms it if so).
    func fires(_ step: Step) -> Bool {
        armed.withLock { armed in
            guard let remaining = armed[step] else { return false }
            if remaining == 0 { armed[step] = nil; return true }
            armed[step] = remaining - 1
            return false
        }
    }
}

extension Optional where Wrapped == VulkanFaultInjector {
    /// `call()`, unless a failure of `step` is armed: then the failure's VkResult, without calling Vulkan.
    func attempt(_ step: VulkanFaultInjector.Step, _ call: () -> VkResult) -> VkResult {
        if let injector = self, injector.fires(step) { return step.result }
        return call()
    }
}
