import VulkanRuntime

/// What `veer info` reports, as text or JSON.
struct InfoReport: Encodable {
    struct CPU: Encodable { var name: String }

    struct Vulkan: Encodable {
        var devices: [DeviceReport] = []
        var disabledFeatures: [String] = []
        var deviceSelector: String?
        /// Why no device could be listed (no driver, no loader), nil when listing worked.
        var error: String?

        enum CodingKeys: String, CodingKey {
            case devices, error
            case disabledFeatures = "disabled_features", deviceSelector = "device_selector"
        }
    }

    var cpu: CPU
    var vulkan: Vulkan

    var text: String {
        var lines = ["CPU backend: \(cpu.name)"]
        let disabled = vulkan.disabledFeatures.isEmpty ? "" : " (VEER_VK_DISABLE: \(vulkan.disabledFeatures.joined(separator: ",")))"
        if let error = vulkan.error {
            lines.append("Vulkan: unavailable: \(error)")
        } else if vulkan.devices.isEmpty {
            lines.append("Vulkan: no devices")
        } else {
            lines.append("Vulkan devices\(disabled):")
            for device in vulkan.devices { lines += device.textLines.map { "  " + $0 } }
        }
        if let selector = vulkan.deviceSelector { lines.append("VEER_DEVICE=\(selector)") }
        return lines.joined(separator: "\n")
    }
}

/// One physical device, flattened for output.
struct DeviceReport: Encodable {
    var index: Int
    var name: String
    var type: String
    var driver: String
    var driverInfo: String
    var apiVersion: String
    var features: [String]
    var maxWorkgroupInvocations: Int
    var maxWorkgroupSize: [Int]
    var maxWorkgroupCount: [Int]
    var maxSharedMemoryBytes: Int
    var maxPushConstantBytes: Int
    var maxStorageBufferRange: Int
    var minStorageBufferOffsetAlignment: Int
    var subgroupSize: Int
    var timestampPeriodNs: Double
    var memoryTypes: [String]
    var mappableDeviceMemory: Bool

    enum CodingKeys: String, CodingKey {
        case index, name, type, driver, features
        case driverInfo = "driver_info", apiVersion = "api_version"
        case maxWorkgroupInvocations = "max_workgroup_invocations", maxWorkgroupSize = "max_workgroup_size"
        case maxWorkgroupCount = "max_workgroup_count", maxSharedMemoryBytes = "max_shared_memory_bytes"
        case maxPushConstantBytes = "max_push_constant_bytes", maxStorageBufferRange = "max_storage_buffer_range"
        case minStorageBufferOffsetAlignment = "min_storage_buffer_offset_alignment", subgroupSize = "subgroup_size"
        case timestampPeriodNs = "timestamp_period_ns", memoryTypes = "memory_types"
        case mappableDeviceMemory = "mappable_device_memory"
    }

    init(_ info: PhysicalDeviceInfo) {
        let limits = info.limits
        index = info.index; name = info.name; type = info.type.rawValue
        driver = info.driverName; driverInfo = info.driverInfo; apiVersion = info.apiVersion
        features = info.features.enabledNames
        maxWorkgroupInvocations = limits.maxWorkgroupInvocations
        maxWorkgroupSize = limits.maxWorkgroupSize; maxWorkgroupCount = limits.maxWorkgroupCount
        maxSharedMemoryBytes = limits.maxSharedMemoryBytes; maxPushConstantBytes = limits.maxPushConstantBytes
        maxStorageBufferRange = limits.maxStorageBufferRange
        minStorageBufferOffsetAlignment = limits.minStorageBufferOffsetAlignment
        subgroupSize = limits.subgroupSize; timestampPeriodNs = limits.timestampPeriodNs
        memoryTypes = info.memoryTypes; mappableDeviceMemory = info.hasMappableDeviceMemory
    }

    var textLines: [String] {
        func dims(_ values: [Int]) -> String { values.map(String.init).joined(separator: "x") }
        return [
            "[\(index)] \(name): \(type), driver \(driver) \(driverInfo), Vulkan \(apiVersion)",
            "    features: \(features.isEmpty ? "(none)" : features.joined(separator: " "))",
            "    workgroup: \(maxWorkgroupInvocations) invocations, size \(dims(maxWorkgroupSize)), "
                + "count \(dims(maxWorkgroupCount)); subgroup \(subgroupSize)",
            "    shared memory \(maxSharedMemoryBytes) B, push constants \(maxPushConstantBytes) B, "
                + "storage binding \(maxStorageBufferRange) B, offset alignment \(minStorageBufferOffsetAlignment) B",
            "    memory: \(mappableDeviceMemory ? "mappable device-local" : "staged uploads"); "
                + memoryTypes.joined(separator: "; "),
        ]
    }
}
