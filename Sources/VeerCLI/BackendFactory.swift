import KernelsCPU
import KernelsVulkan
import VulkanRuntime

/// The one place that names the concrete backends. Both read their settings from the environment: the CPU backend
/// VEER_THREADS, the Vulkan backend VEER_DEVICE, VEER_VALIDATION, VEER_VK_FORCE_STAGING, VEER_VK_MAX_BINDING_BYTES
/// and VEER_VK_DISABLE.
enum BackendFactory {
    static func cpu() throws -> CPUBackend { CPUBackend() }

    static func vulkan() throws -> VulkanBackend { try VulkanBackend(options: try VulkanOptions.fromEnvironment()) }
}
