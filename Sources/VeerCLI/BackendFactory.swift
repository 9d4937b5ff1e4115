import Kernels
import KernelsCPU
import KernelsVulkan
import VulkanRuntime

/// The one place that names the concrete backends. Both read their settings from the environment: the CPU backend
/// VEER_THREADS, the Vulkan backend VEER_DEVICE, VEER_VALIDATION, VEER_VK_FORCE_STAGING, VEER_VK_MAX_BINDING_BYTES
/// and VEER_VK_DISABLE.
enum BackendFactory {
    /// `threads` (from `--threads`) wins; without it, VEER_THREADS, and a bad one is an error naming it (the
    /// library's own reading falls back to every core); with neither, every core.
    /// `precision`: the arithmetic of matmuls with quantized weights (`Precision`).
    static func cpu(threads: Int? = nil, precision: Precision = .f32) throws -> CPUBackend {
        CPUBackend(threads: try threads ?? ThreadSetting.fromEnvironment(), precision: precision)
    }

    static func vulkan() throws -> VulkanBackend { try VulkanBackend(options: try VulkanOptions.fromEnvironment()) }
}
