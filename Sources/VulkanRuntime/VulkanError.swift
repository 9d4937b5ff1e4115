import CVulkan

/// Every failure of the Vulkan layer. Messages name the call or the limit and say what to do.
public enum VulkanError: Error, CustomStringConvertible, Equatable {
    /// A Vulkan call returned an error code.
    case call(String, VkResult)
    /// No Vulkan driver or no device at all.
    case noDevice(String)
    /// VEER_DEVICE (or an explicit selector) matched nothing.
    case deviceNotFound(selector: String, available: [String])
    /// No memory type has the properties a buffer needs.
    case noMemoryType(String)
    /// A dispatch or binding breaks a device limit.
    case limitExceeded(String)
    /// A dispatch does not match its pipeline (binding count, push-constant size) or a buffer access is out of range.
    case invalidUse(String)

    public var description: String {
        switch self {
        case let .call(name, result):
            return "\(name) failed with \(resultName(result)) (\(result.rawValue))"
        case let .noDevice(detail):
            return "no Vulkan device: \(detail). Install a driver (Debian: apt-get install mesa-vulkan-drivers " +
                "libvulkan1 for the CPU driver lavapipe) or use the CPU backend (--backend cpu)."
        case let .deviceNotFound(selector, available):
            return "VEER_DEVICE=\(selector) matches no Vulkan device; available: " +
                available.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ")
        case let .noMemoryType(detail): return "no suitable Vulkan memory type: \(detail)"
        case let .limitExceeded(detail): return "Vulkan device limit exceeded: \(detail)"
        case let .invalidUse(detail): return "invalid Vulkan use: \(detail)"
        }
    }
}

/// The one place a VkResult is checked: throws `VulkanError.call` naming the call on any error code.
@inlinable
public func check(_ result: VkResult, _ call: @autoclosure () -> String) throws {
    if result.rawValue < 0 { throw VulkanError.call(call(), result) }
}

func resultName(_ result: VkResult) -> String {
    switch result {
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY"
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY"
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED"
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST"
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED"
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT"
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT"
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT"
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER"
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS"
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED"
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL"
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY"
    case VK_ERROR_UNKNOWN: return "VK_ERROR_UNKNOWN"
    case VK_TIMEOUT: return "VK_TIMEOUT"
    default: return "VkResult"
    }
}
