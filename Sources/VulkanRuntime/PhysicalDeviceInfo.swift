import CVulkan

/// Limits Veer's shaders and dispatches must respect, read from the device (split runs lowered by options).
public struct DeviceLimits: Sendable, Equatable {
    public var maxWorkgroupInvocations: Int
    public var maxWorkgroupSize: [Int]
    public var maxWorkgroupCount: [Int]
    public var maxSharedMemoryBytes: Int
    public var maxPushConstantBytes: Int
    /// The largest range one storage-buffer binding may cover, as the device reports it.
    public var maxStorageBufferRange: Int
    /// The most bytes one run of a split tensor binds: `maxStorageBufferRange`, or VEER_VK_MAX_BINDING_BYTES when
    /// that is lower (to exercise the splitting of weight matrices and embedding tables).
    public var splitBindingBytes: Int
    public var minStorageBufferOffsetAlignment: Int
    public var subgroupSize: Int
    public var timestampPeriodNs: Double
    public var timestampsSupported: Bool

    public init(maxWorkgroupInvocations: Int, maxWorkgroupSize: [Int], maxWorkgroupCount: [Int], maxSharedMemoryBytes: Int,
                maxPushConstantBytes: Int, maxStorageBufferRange: Int, minStorageBufferOffsetAlignment: Int,
                subgroupSize: Int, timestampPeriodNs: Double, timestampsSupported: Bool, splitBindingBytes: Int? = nil) {
        self.maxWorkgroupInvocations = maxWorkgroupInvocations; self.maxWorkgroupSize = maxWorkgroupSize
        self.maxWorkgroupCount = maxWorkgroupCount; self.maxSharedMemoryBytes = maxSharedMemoryBytes
        self.maxPushConstantBytes = maxPushConstantBytes; self.maxStorageBufferRange = maxStorageBufferRange
        self.splitBindingBytes = min(splitBindingBytes ?? maxStorageBufferRange, maxStorageBufferRange)
        self.minStorageBufferOffsetAlignment = minStorageBufferOffsetAlignment; self.subgroupSize = subgroupSize
        self.timestampPeriodNs = timestampPeriodNs; self.timestampsSupported = timestampsSupported
    }
}

/// Optional capabilities, already reduced by VEER_VK_DISABLE: a shader variant may use one only when it is true.
public struct DeviceFeatures: Sendable, Equatable {
    public var fp16 = false
    public var int8 = false
    public var storage8 = false
    public var storage16 = false
    public var subgroupArithmetic = false
    public var integerDot = false

    public init(fp16: Bool = false, int8: Bool = false, storage8: Bool = false, storage16: Bool = false,
                subgroupArithmetic: Bool = false, integerDot: Bool = false) {
        self.fp16 = fp16; self.int8 = int8; self.storage8 = storage8; self.storage16 = storage16
        self.subgroupArithmetic = subgroupArithmetic; self.integerDot = integerDot
    }

    public func has(_ feature: DeviceFeature) -> Bool {
        switch feature {
        case .fp16: return fp16
        case .int8: return int8
        case .storage8: return storage8
        case .storage16: return storage16
        case .subgroups: return subgroupArithmetic
        case .integerDot: return integerDot
        }
    }

    mutating func disable(_ features: Set<DeviceFeature>) {
        for feature in features {
            switch feature {
            case .fp16: fp16 = false
            case .int8: int8 = false
            case .storage8: storage8 = false
            case .storage16: storage16 = false
            case .subgroups: subgroupArithmetic = false
            case .integerDot: integerDot = false
            }
        }
    }

    public var enabledNames: [String] { DeviceFeature.allCases.filter(has).map(\.rawValue) }
}

public enum DeviceType: String, Sendable {
    case discrete, integrated, virtual, cpu, other

    init(_ type: VkPhysicalDeviceType) {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: self = .discrete
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: self = .integrated
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: self = .virtual
        case VK_PHYSICAL_DEVICE_TYPE_CPU: self = .cpu
        default: self = .other
        }
    }

    /// Preference when no device is named: discrete > integrated > virtual > CPU.
    var rank: Int {
        switch self {
        case .discrete: return 0
        case .integrated: return 1
        case .virtual: return 2
        case .cpu: return 3
        case .other: return 4
        }
    }
}

/// What `veer info` shows and what device choice and shader-variant selection read.
public struct PhysicalDeviceInfo: Sendable, CustomStringConvertible {
    public var index: Int
    public var name: String
    public var type: DeviceType
    public var driverName: String
    public var driverInfo: String
    public var apiVersion: String
    public var limits: DeviceLimits
    public var features: DeviceFeatures
    /// One line per memory type: its property flags.
    public var memoryTypes: [String]
    /// Whether some memory type is both device-local and host-visible+coherent (map instead of staging).
    public var hasMappableDeviceMemory: Bool

    public var description: String { "\(name) (\(type.rawValue), \(driverName) \(driverInfo), Vulkan \(apiVersion))" }

    public init(index: Int, name: String, type: DeviceType, driverName: String, driverInfo: String, apiVersion: String,
                limits: DeviceLimits, features: DeviceFeatures, memoryTypes: [String], hasMappableDeviceMemory: Bool) {
        self.index = index; self.name = name; self.type = type; self.driverName = driverName
        self.driverInfo = driverInfo; self.apiVersion = apiVersion; self.limits = limits; self.features = features
        self.memoryTypes = memoryTypes; self.hasMappableDeviceMemory = hasMappableDeviceMemory
    }
}

extension PhysicalDeviceInfo {
    /// Queries properties, limits, subgroup size and optional features through pNext chains.
    static func query(_ device: VkPhysicalDevice, index: Int, options: VulkanOptions) -> PhysicalDeviceInfo {
        let subgroup = Chained<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES)
        let driver = Chained<VkPhysicalDeviceDriverProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES)
        driver.pointer.pointee.pNext = UnsafeMutableRawPointer(subgroup.pointer)
        var properties = VkPhysicalDeviceProperties2()
        properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        properties.pNext = UnsafeMutableRawPointer(driver.pointer)
        vkGetPhysicalDeviceProperties2(device, &properties)

        let v11 = Chained<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES)
        let v12 = Chained<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        let dot = Chained<VkPhysicalDeviceShaderIntegerDotProductFeatures>(
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES)
        v11.pointer.pointee.pNext = UnsafeMutableRawPointer(v12.pointer)
        let p = properties.properties
        let hasDot = p.apiVersion >= cvk_make_api_version(0, 1, 3, 0)
        if hasDot { v12.pointer.pointee.pNext = UnsafeMutableRawPointer(dot.pointer) }
        var features = VkPhysicalDeviceFeatures2()
        features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        features.pNext = UnsafeMutableRawPointer(v11.pointer)
        vkGetPhysicalDeviceFeatures2(device, &features)

        var memory = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(device, &memory)
        let types = memoryTypeList(memory)
        let mappableLocal = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue
            | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue

        let l = p.limits
        let subgroupProps = subgroup.pointer.pointee
        // The subgroup shader variants use basic operations, arithmetic and shuffles (subgroupShuffleXor), in
        // compute shaders: all of them, or the scalar variants.
        let needed = VK_SUBGROUP_FEATURE_BASIC_BIT.rawValue | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT.rawValue
            | VK_SUBGROUP_FEATURE_SHUFFLE_BIT.rawValue
        let arithmetic = subgroupProps.supportedOperations & needed == needed
            && subgroupProps.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0
        var deviceFeatures = DeviceFeatures(
            fp16: v12.pointer.pointee.shaderFloat16 != 0,
            int8: v12.pointer.pointee.shaderInt8 != 0,
            storage8: v12.pointer.pointee.storageBuffer8BitAccess != 0,
            storage16: v11.pointer.pointee.storageBuffer16BitAccess != 0,
            subgroupArithmetic: arithmetic,
            integerDot: hasDot && dot.pointer.pointee.shaderIntegerDotProduct != 0)
        deviceFeatures.disable(options.disabled)

        let limits = DeviceLimits(
            maxWorkgroupInvocations: Int(l.maxComputeWorkGroupInvocations),
            maxWorkgroupSize: [Int(l.maxComputeWorkGroupSize.0), Int(l.maxComputeWorkGroupSize.1), Int(l.maxComputeWorkGroupSize.2)],
            maxWorkgroupCount: [Int(l.maxComputeWorkGroupCount.0), Int(l.maxComputeWorkGroupCount.1), Int(l.maxComputeWorkGroupCount.2)],
            maxSharedMemoryBytes: Int(l.maxComputeSharedMemorySize),
            maxPushConstantBytes: Int(l.maxPushConstantsSize),
            maxStorageBufferRange: Int(l.maxStorageBufferRange),
            minStorageBufferOffsetAlignment: Int(l.minStorageBufferOffsetAlignment),
            subgroupSize: Int(subgroupProps.subgroupSize),
            timestampPeriodNs: Double(l.timestampPeriod),
            timestampsSupported: l.timestampComputeAndGraphics != 0,
            splitBindingBytes: options.maxBindingBytes)
        let version = p.apiVersion
        return PhysicalDeviceInfo(
            index: index, name: fixedString(p.deviceName), type: DeviceType(p.deviceType),
            driverName: fixedString(driver.pointer.pointee.driverName),
            driverInfo: fixedString(driver.pointer.pointee.driverInfo),
            apiVersion: "\(cvk_api_version_major(version)).\(cvk_api_version_minor(version)).\(cvk_api_version_patch(version))",
            limits: limits, features: deviceFeatures, memoryTypes: types.map(\.description),
            hasMappableDeviceMemory: types.contains { $0.flags & mappableLocal == mappableLocal })
    }

    struct MemoryType: CustomStringConvertible {
        var index: Int
        var heap: Int
        var flags: UInt32
        var description: String {
            let names: [(UInt32, String)] = [
                (VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue, "DEVICE_LOCAL"),
                (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue, "HOST_VISIBLE"),
                (VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue, "HOST_COHERENT"),
                (VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue, "HOST_CACHED"),
            ]
            let set = names.filter { flags & $0.0 != 0 }.map(\.1)
            return "type \(index) heap \(heap): " + (set.isEmpty ? "(none)" : set.joined(separator: "|"))
        }
    }

    static func memoryTypeList(_ memory: VkPhysicalDeviceMemoryProperties) -> [MemoryType] {
        withUnsafeBytes(of: memory.memoryTypes) { raw in
            let types = raw.bindMemory(to: VkMemoryType.self)
            return (0..<Int(memory.memoryTypeCount)).map {
                MemoryType(index: $0, heap: Int(types[$0].heapIndex), flags: types[$0].propertyFlags)
            }
        }
    }
}

/// One heap-allocated link of a pNext chain, zeroed, with its sType set; freed with the object.
final class Chained<T> {
    let pointer: UnsafeMutablePointer<T>
    init(_ type: VkStructureType) {
        pointer = .allocate(capacity: 1)
        UnsafeMutableRawPointer(pointer).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
        UnsafeMutableRawPointer(pointer).storeBytes(of: type, as: VkStructureType.self)
    }
    deinit { pointer.deallocate() }
}
