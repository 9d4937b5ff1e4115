import CVulkan

/// The entry point: an instance (with validation when asked), the chosen physical device and a logical device with
/// a compute queue. Device choice: `VEER_DEVICE` (index or name substring) if set, else discrete > integrated >
/// virtual > CPU, first enumerated on ties.
public final class VulkanContext: @unchecked Sendable {
    public let device: VulkanDevice
    /// Every device the instance enumerates, in enumeration order.
    public let available: [PhysicalDeviceInfo]

    public static func make(_ options: VulkanOptions? = nil) throws -> VulkanContext {
        try VulkanContext(options: options ?? VulkanOptions.fromEnvironment())
    }

    /// Lists the devices without creating a logical device.
    public static func listDevices(_ options: VulkanOptions? = nil) throws -> [PhysicalDeviceInfo] {
        let options = try options ?? VulkanOptions.fromEnvironment()
        let instance = try VulkanInstance(validation: false, counter: VulkanObjectCounter())
        return try instance.physicalDevices().enumerated().map {
            PhysicalDeviceInfo.query($0.element, index: $0.offset, options: options)
        }
    }

    init(options: VulkanOptions) throws {
        let instance = try VulkanInstance(validation: options.validation, counter: options.counter ?? VulkanObjectCounter())
        let physical = try instance.physicalDevices()
        guard !physical.isEmpty else { throw VulkanError.noDevice("the Vulkan loader enumerates no physical device") }
        let infos = physical.enumerated().map { PhysicalDeviceInfo.query($0.element, index: $0.offset, options: options) }
        available = infos
        let chosen = try Self.choose(infos, selector: options.deviceSelector)
        device = try VulkanDevice(instance: instance, physical: physical[chosen], info: infos[chosen], options: options)
    }

    /// The index of the device to use among `infos`: `selector` (an index or a case-insensitive name substring)
    /// if given, else the most capable type (discrete > integrated > virtual > CPU), first enumerated on ties.
    public static func choose(_ infos: [PhysicalDeviceInfo], selector: String?) throws -> Int {
        if let selector {
            if let index = Int(selector), infos.indices.contains(index) { return index }
            if let match = infos.firstIndex(where: { $0.name.lowercased().contains(selector.lowercased()) }) { return match }
            throw VulkanError.deviceNotFound(selector: selector, available: infos.map(\.name))
        }
        return infos.indices.min { (infos[$0].type.rank, $0) < (infos[$1].type.rank, $1) }!
    }

    public var validationMessages: [String] { device.validationMessages }
    public var objectCounter: VulkanObjectCounter { device.objectCounter }
}
