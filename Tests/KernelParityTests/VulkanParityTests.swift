import KernelCases
import Kernels
import KernelsReference
import KernelsVulkan
import TestSupport
import Testing

/// Every small kernel case on the Vulkan backend (lavapipe on machines without a GPU) against the plain f64
/// reference, with validation and synchronization validation on; then batch invariance and the Spherical guards.
@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device (Debian: apt-get install mesa-vulkan-drivers)"),
       .exclusiveVulkan)
struct VulkanParityTests {
    @Test(arguments: KernelCatalog.small.map(\.name))
    func matchesTheReference(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.named(name))
        let result = try ValidatedVulkan.withSharedBackend { backend in
            try kernelCase.validate(on: backend, reference: ReferenceBackend())
        }
        expectPassed(result, backend: "vulkan")
    }

    @Test(arguments: DType.allCases)
    func matmulRowsAreBatchInvariant(_ dtype: DType) throws {
        try ValidatedVulkan.withSharedBackend { try BatchInvariance.matmul($0, dtype: dtype) }
    }

    @Test func attentionRowsAreBatchInvariant() throws {
        try ValidatedVulkan.withSharedBackend { try BatchInvariance.attention($0) }
    }

    @Test func ropeStoreRowsAreBatchInvariant() throws {
        try ValidatedVulkan.withSharedBackend { try BatchInvariance.ropeStore($0) }
    }

    /// The fused ops give the bits of the ops they replace.
    @Test func ropeStoreEqualsRopeRopeAndKVStore() throws {
        try ValidatedVulkan.withSharedBackend { try FusionEquivalence.ropeStore($0) }
    }

    @Test(arguments: DType.allCases)
    func normMatmulEqualsRMSNormThenMatmulAndIsBatchInvariant(_ dtype: DType) throws {
        try ValidatedVulkan.withSharedBackend { try FusionEquivalence.normMatmul($0, dtype: dtype) }
    }

    @Test func residualSteerRowsAreBatchInvariant() throws {
        try ValidatedVulkan.withSharedBackend { try BatchInvariance.residualSteer($0) }
    }

    @Test func sphericalGuardsHoldExactly() throws {
        try ValidatedVulkan.withSharedBackend { try SphericalGuards.check($0) }
    }
}

/// Skipping the Vulkan suites is allowed only where no device exists; under CI=true it is a failure.
@Suite struct VulkanDevicePresenceTests {
    @Test func aVulkanDeviceExistsUnderCI() {
        if VulkanTestDevice.isCI {
            #expect(VulkanTestDevice.hasDevice, "CI=true but no Vulkan device: \(VulkanTestDevice.unavailableReason ?? "")")
        }
    }
}
