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
