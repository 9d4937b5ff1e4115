import ArgumentParser
import VulkanRuntime

/// `veer info`: the Vulkan devices this machine offers, with the capabilities Veer's shaders care about (features as
/// left by VEER_VK_DISABLE, limits as the device reports them), and the CPU backend.
/// No Vulkan driver is not an error here: the report says so, and the CPU backend still works.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "List Vulkan devices and their capabilities, and the CPU backend.")

    @OptionGroup var output: OutputOptions

    func run() throws {
        let options = try VulkanOptions.fromEnvironment()
        var report = InfoReport(cpu: .init(name: try BackendFactory.cpu().name), vulkan: .init())
        report.vulkan.disabledFeatures = options.disabled.map(\.rawValue).sorted()
        report.vulkan.deviceSelector = options.deviceSelector
        do {
            report.vulkan.devices = try VulkanContext.listDevices(options).map(DeviceReport.init)
        } catch {
            report.vulkan.error = "\(error)"
            Console.note("Vulkan: \(error)")
        }
        if output.json {
            try Console.json(report)
        } else {
            Console.output(report.text)
        }
    }
}
