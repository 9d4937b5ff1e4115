import CVulkan
import Foundation

/// Owns a VkInstance and, with validation on, the debug messenger that feeds `log`.
final class VulkanInstance: @unchecked Sendable {
    let handle: VkInstance
    let log = ValidationLog()
    let counter: VulkanObjectCounter
    let validation: Bool
    private var messenger: VkDebugUtilsMessengerEXT?

    static let validationLayer = "VK_LAYER_KHRONOS_validation"

    init(validation: Bool, counter: VulkanObjectCounter) throws {
        self.validation = validation
        self.counter = counter
        if validation, !Self.layerAvailable(Self.validationLayer) {
            throw VulkanError.noDevice(
                "validation was requested but \(Self.validationLayer) is not installed " +
                "(Debian: apt-get install vulkan-validationlayers)")
        }
        let layers = validation ? [Self.validationLayer] : []
        let extensions = validation ? [VK_EXT_DEBUG_UTILS_EXTENSION_NAME] : []
        var created: VkInstance?
        let result = withCStrings(layers) { layerNames in
            withCStrings(extensions) { extensionNames in
                "veer".withCString { appName in
                    var app = VkApplicationInfo()
                    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
                    app.pApplicationName = appName
                    app.pEngineName = appName
                    app.apiVersion = cvk_make_api_version(0, 1, 2, 0)
                    // Synchronization validation is a separate switch, chained into the instance create info.
                    var enables = [VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT]
                    return enables.withUnsafeMutableBufferPointer { enablePtr in
                        var features = VkValidationFeaturesEXT()
                        features.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT
                        features.enabledValidationFeatureCount = 1
                        features.pEnabledValidationFeatures = UnsafePointer(enablePtr.baseAddress)
                        return withUnsafePointer(to: &app) { appPtr in
                            withUnsafePointer(to: &features) { featuresPtr in
                                var info = VkInstanceCreateInfo()
                                info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                                info.pApplicationInfo = appPtr
                                info.enabledLayerCount = UInt32(layers.count)
                                info.ppEnabledLayerNames = layerNames
                                info.enabledExtensionCount = UInt32(extensions.count)
                                info.ppEnabledExtensionNames = extensionNames
                                if validation { info.pNext = UnsafeRawPointer(featuresPtr) }
                                return vkCreateInstance(&info, nil, &created)
                            }
                        }
                    }
                }
            }
        }
        if result == VK_ERROR_INCOMPATIBLE_DRIVER {
            throw VulkanError.noDevice("vkCreateInstance found no compatible driver (VK_ERROR_INCOMPATIBLE_DRIVER)")
        }
        try check(result, "vkCreateInstance")
        guard let created else { throw VulkanError.call("vkCreateInstance", VK_ERROR_INITIALIZATION_FAILED) }
        handle = created
        counter.created(.instance)
        if validation { try installMessenger() }
    }

    deinit {
        if let messenger, let destroy: PFN_vkDestroyDebugUtilsMessengerEXT = loadFunction("vkDestroyDebugUtilsMessengerEXT") {
            destroy(handle, messenger, nil)
            counter.destroyed(.debugMessenger)
        }
        vkDestroyInstance(handle, nil)
        counter.destroyed(.instance)
    }

    /// Extension entry points are not exported by libvulkan: fetch them through vkGetInstanceProcAddr.
    func loadFunction<F>(_ name: String) -> F? {
        guard let raw = vkGetInstanceProcAddr(handle, name) else { return nil }
        return unsafeBitCast(raw, to: F.self)
    }

    private func installMessenger() throws {
        guard let create: PFN_vkCreateDebugUtilsMessengerEXT = loadFunction("vkCreateDebugUtilsMessengerEXT") else {
            throw VulkanError.call("vkGetInstanceProcAddr(vkCreateDebugUtilsMessengerEXT)", VK_ERROR_EXTENSION_NOT_PRESENT)
        }
        var info = VkDebugUtilsMessengerCreateInfoEXT()
        info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
        info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue
        info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT.rawValue
        info.pfnUserCallback = validationCallback
        // The instance outlives the messenger and owns the log, so an unretained pointer is safe.
        info.pUserData = Unmanaged.passUnretained(log).toOpaque()
        var created: VkDebugUtilsMessengerEXT?
        try check(create(handle, &info, nil, &created), "vkCreateDebugUtilsMessengerEXT")
        messenger = created
        counter.created(.debugMessenger)
    }

    static func layerAvailable(_ name: String) -> Bool {
        var count: UInt32 = 0
        guard vkEnumerateInstanceLayerProperties(&count, nil) == VK_SUCCESS, count > 0 else { return false }
        var layers = [VkLayerProperties](repeating: VkLayerProperties(), count: Int(count))
        guard vkEnumerateInstanceLayerProperties(&count, &layers) == VK_SUCCESS else { return false }
        return layers.prefix(Int(count)).contains { fixedString($0.layerName) == name }
    }

    func physicalDevices() throws -> [VkPhysicalDevice] {
        var count: UInt32 = 0
        try check(vkEnumeratePhysicalDevices(handle, &count, nil), "vkEnumeratePhysicalDevices")
        var devices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try check(vkEnumeratePhysicalDevices(handle, &count, &devices), "vkEnumeratePhysicalDevices")
        return devices.prefix(Int(count)).compactMap { $0 }
    }
}

/// Calls `body` with a C array of C strings, freed afterwards.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    if pointers.isEmpty { return body(nil) }
    return pointers.withUnsafeMutableBufferPointer { body(UnsafePointer($0.baseAddress)) }
}

/// Reads a fixed-size C char array (imported as a tuple) as a String.
func fixedString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
