import Foundation
import Testing
import TestSupport

@Suite("Model availability") struct ModelAvailabilityTests {
    @Test func modelPresentUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(ModelFixture.path != nil, "CI=true but the default model is missing: CI must run `veer model fetch`")
        }
    }
}

@Suite("Vulkan availability for model tests") struct VulkanModelAvailabilityTests {
    @Test func vulkanPresentUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(VulkanModelFixture.context != nil, "CI=true but no Vulkan device: install mesa-vulkan-drivers")
        }
    }
}

/// The model suites nest here and run one at a time: the Vulkan suite also drives the shared CPU model (to compare
/// backends), and a model's run state serves one forward pass at a time.
@Suite("SmolLM2 model", .serialized) enum LlamaModelSuites {}
