import Foundation
import Testing
import TestSupport
import VulkanRuntime

@Suite("Vulkan runtime: devices and options", .exclusiveVulkan)
struct RuntimeDeviceTests {
    @Test func deviceExistsUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(RuntimeFixtures.hasDevice, "CI=true but no Vulkan device: install mesa-vulkan-drivers")
        }
    }

    @Test(.enabled(if: RuntimeFixtures.hasDevice)) func deviceInfoIsSane() throws {
        let context = try RuntimeFixtures.context()
        let info = context.device.info
        #expect(!info.name.isEmpty)
        #expect(info.limits.maxWorkgroupInvocations >= 128)
        #expect(info.limits.maxPushConstantBytes >= 128)
        #expect(info.limits.maxStorageBufferRange >= 1 << 27)
        #expect(info.limits.subgroupSize >= 1)
        #expect(info.limits.maxWorkgroupCount.allSatisfy { $0 >= 65535 })
        #expect(!info.memoryTypes.isEmpty)
        expectNoValidationMessages(context)
    }

    @Test func environmentParsing() throws {
        let options = try VulkanOptions.fromEnvironment([
            "VEER_VALIDATION": "1", "VEER_DEVICE": "llvmpipe", "VEER_VK_FORCE_STAGING": "1",
            "VEER_VK_MAX_BINDING_BYTES": "65536", "VEER_VK_DISABLE": "fp16,int8,subgroups",
            "VEER_VK_PREFILL_MATMUL": "Staged",
        ])
        #expect(options.validation && options.forceStaging)
        #expect(options.deviceSelector == "llvmpipe")
        #expect(options.maxBindingBytes == 65536)
        #expect(options.disabled.isSuperset(of: [.fp16, .storage16, .int8, .storage8, .integerDot, .subgroups]))
        #expect(options.prefillMatmul == .staged)
        #expect(try VulkanOptions.fromEnvironment([:]).prefillMatmul == nil)
    }

    @Test func unknownPrefillMatmulKernelListsTheKnownOnes() {
        #expect {
            _ = try VulkanOptions.fromEnvironment(["VEER_VK_PREFILL_MATMUL": "fastest"])
        } throws: { error in
            "\(error)" == "invalid Vulkan use: VEER_VK_PREFILL_MATMUL=fastest: expected one of rows8, tiled, staged"
        }
    }

    @Test(arguments: [
        ["VEER_VK_DISABLE": "fp17"], ["VEER_VK_MAX_BINDING_BYTES": "lots"], ["VEER_VALIDATION": "maybe"],
    ])
    func badEnvironmentValuesAreNamed(_ env: [String: String]) {
        #expect {
            _ = try VulkanOptions.fromEnvironment(env)
        } throws: { error in
            "\(error)".contains(env.keys.first!)
        }
    }

    /// Below its minimum the binding limit is an error naming the variable and the minimum (it used to accept 256
    /// and then fail in the model, whose KV cache and logits are never split).
    @Test(arguments: ["4096", "65535", "-1"]) func bindingLimitBelowTheMinimumIsNamed(_ value: String) {
        #expect {
            _ = try VulkanOptions.fromEnvironment(["VEER_VK_MAX_BINDING_BYTES": value])
        } throws: { error in
            "\(error)" == "invalid Vulkan use: VEER_VK_MAX_BINDING_BYTES=\(value): expected a byte count of at least 65536 "
                + "(the documented minimum: one split run must hold a whole weight row)"
        }
        #expect(VulkanOptions.minimumSplitBindingBytes == 65536)
        #expect((try? VulkanOptions.fromEnvironment(["VEER_VK_MAX_BINDING_BYTES": "65536"]))?.maxBindingBytes == 65536)
    }

    @Test(.enabled(if: RuntimeFixtures.hasDevice)) func overridesReachTheDevice() throws {
        let context = try RuntimeFixtures.context(VulkanOptions(
            forceStaging: true, maxBindingBytes: 4096, disabled: [.fp16, .storage16, .int8, .storage8, .subgroups]))
        let device = context.device
        // The binding limit lowers the runs of split tensors only; the device's own limit stays what it reports.
        #expect(device.limits.splitBindingBytes == 4096)
        #expect(device.limits.maxStorageBufferRange >= 1 << 27)
        #expect(!device.features.has(.fp16) && !device.features.has(.subgroups) && !device.features.has(.storage8))
        let buffer = try device.makeBuffer(byteCount: 64, label: "staged")
        #expect(!buffer.isHostMapped)
        expectNoValidationMessages(context)
    }

    @Test(.enabled(if: RuntimeFixtures.hasDevice)) func unknownDeviceSelectorListsDevices() {
        #expect {
            _ = try RuntimeFixtures.context(VulkanOptions(deviceSelector: "no-such-gpu-xyz"))
        } throws: { error in
            guard case VulkanError.deviceNotFound(let selector, let available) = error else { return false }
            return selector == "no-such-gpu-xyz" && !available.isEmpty && "\(error)".contains("VEER_DEVICE")
        }
    }

    @Test func deviceChoicePrefersDiscreteThenIntegrated() throws {
        func info(_ name: String, _ type: DeviceType, _ index: Int) -> PhysicalDeviceInfo {
            let limits = DeviceLimits(maxWorkgroupInvocations: 256, maxWorkgroupSize: [256, 1, 1],
                                      maxWorkgroupCount: [65535, 65535, 65535], maxSharedMemoryBytes: 32768,
                                      maxPushConstantBytes: 128, maxStorageBufferRange: 1 << 27,
                                      minStorageBufferOffsetAlignment: 16, subgroupSize: 8, timestampPeriodNs: 1,
                                      timestampsSupported: true)
            return PhysicalDeviceInfo(index: index, name: name, type: type, driverName: "", driverInfo: "",
                                      apiVersion: "1.3.0", limits: limits, features: DeviceFeatures(),
                                      memoryTypes: [], hasMappableDeviceMemory: true)
        }
        let devices = [info("llvmpipe", .cpu, 0), info("Intel UHD", .integrated, 1), info("RTX", .discrete, 2)]
        #expect(try VulkanContext.choose(devices, selector: nil) == 2)
        #expect(try VulkanContext.choose(Array(devices.prefix(2)), selector: nil) == 1)
        #expect(try VulkanContext.choose(devices, selector: "0") == 0)
        #expect(try VulkanContext.choose(devices, selector: "intel") == 1)
    }
}
