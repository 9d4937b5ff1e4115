import KernelCases
import KernelsReference
import KernelsVulkan
import TestSupport
import Testing
import VulkanRuntime

/// VEER_VK_MAX_BINDING_BYTES at its documented minimum: weights and tables over it are split across bindings, and
/// bindings that are never split (the KV cache, a logits row) still run, because the variable lowers only the runs
/// of split tensors, not the device's binding limit.
@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device (Debian: apt-get install mesa-vulkan-drivers)"),
       .exclusiveVulkan)
struct SplitBindingLimitTests {
    /// A backend of its own per case (the shared one follows the environment's limit).
    static func backend() throws -> VulkanBackend {
        VulkanTestDevice.configureLavapipe()
        var options = try VulkanOptions.fromEnvironment(
            ["VEER_VK_MAX_BINDING_BYTES": "\(VulkanOptions.minimumSplitBindingBytes)"])
        options.validation = true
        return try VulkanBackend(options: options)
    }

    @Test(arguments: KernelCatalog.overSplitMinimum.map(\.name))
    func casesOverTheMinimumMatchTheReference(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.named(name))
        let backend = try Self.backend()
        #expect(backend.device.limits.splitBindingBytes == VulkanOptions.minimumSplitBindingBytes)
        let result = try ValidatedVulkan.withValidation(of: backend) {
            try kernelCase.validate(on: backend, reference: ReferenceBackend())
        }
        expectPassed(result, backend: "vulkan, VEER_VK_MAX_BINDING_BYTES=\(VulkanOptions.minimumSplitBindingBytes)")
    }
}
