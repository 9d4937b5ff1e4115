import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import Testing
import TestSupport

extension SteeringModelTests {
    /// Steered runs against llama.cpp's control-vector goldens and the spec's reference implementation, on the CPU
    /// backend: every run of the golden file (mean and PCA vectors, scales -4...4, full and partial layer ranges).
    @Suite("Steered SmolLM2 on the CPU backend against the goldens", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUSteeredGoldenTests {
        @Test(arguments: try CVectorGoldens.runNames()) func cvectorRun(_ name: String) throws {
            try SteeredChecks.cvectorRun(SteeringModelFixture.cpu, name, backend: "cpu")
        }

        @Test(arguments: ["additive_l12_s4", "austeer_mlp_out_k16_seed1234_a20", "austeer_mlp_out_k16_seed1234_a60",
                          "iti_l12_h1-4-7_seed99_a8", "spherical_l15_k20_a0.6_b-0.05", "spherical_l10_k20_a1.0_b-1.0",
                          "spherical_l15_ungated_t0.5"], ["P1", "P6"])
        func referenceConfig(_ id: String, _ prompt: String) throws {
            try SteeredChecks.referenceConfig(SteeringModelFixture.cpu, id, prompt: prompt, backend: "cpu")
        }
    }
}

extension SteeringModelTests {
    /// The same checks on Vulkan (lavapipe in CI, about a second per 4 tokens): one run per kind of configuration.
    @Suite("Steered SmolLM2 on the Vulkan backend against the goldens", .enabled(if: SteeringModelFixture.vulkanEnabled), .serialized,
           .exclusiveVulkan)
    struct VulkanSteeredGoldenTests {
        @Test(arguments: ["mean s=4.0 1-30 C1", "mean s=-4.0 10-20 C2"]) func cvectorRun(_ name: String) throws {
            try SteeredChecks.cvectorRun(SteeringModelFixture.vulkan, name, backend: "vulkan")
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }

        @Test(arguments: ["additive_l12_s4", "austeer_mlp_out_k16_seed1234_a60", "iti_l12_h1-4-7_seed99_a8",
                          "spherical_l15_k20_a0.6_b-0.05", "spherical_l15_ungated_t0.5"])
        func referenceConfig(_ id: String) throws {
            try SteeredChecks.referenceConfig(SteeringModelFixture.vulkan, id, prompt: "P1", backend: "vulkan")
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }
    }
}
