import Foundation
import VulkanRuntime

/// Whether this machine can run the Vulkan tests, decided once per test process.
///
/// Vulkan suites use `.enabled(if: VulkanTestDevice.shouldRun)`: with no device they are skipped and say why on
/// stderr, except under `CI=true`, where they run anyway and fail on the missing device (CI must never pass by
/// skipping the GPU path). `requireUnderCI` is the explicit check a suite can add.
public enum VulkanTestDevice {
    /// `CI` is set to true (GitHub Actions, GitLab and our `.ci/run` set it).
    public static var isCI: Bool {
        ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// Why there is no device, or nil when there is one.
    public static let unavailableReason: String? = {
        configureLavapipe()
        do {
            let devices = try VulkanContext.listDevices(VulkanOptions())
            return devices.isEmpty ? "the Vulkan loader enumerates no device" : nil
        } catch {
            return "\(error)"
        }
    }()

    public static var hasDevice: Bool { unavailableReason == nil }

    /// Run the Vulkan tests: a device exists, or CI demands them. Prints the skip reason once when skipping.
    public static let shouldRun: Bool = {
        if let reason = unavailableReason, !isCI {
            FileHandle.standardError.write(Data(
                "Vulkan tests skipped: \(reason). Install mesa-vulkan-drivers (lavapipe) or run tools/setup.\n".utf8))
            return false
        }
        return true
    }()

    /// Lavapipe runs every dispatch on its own worker threads (one per core by default). Swift Testing already runs
    /// tests in parallel on every core, so the tests run lavapipe inline (LP_NUM_THREADS=0) unless the caller chose a
    /// value: no oversubscription, and the lowest latency for the small dispatches tests make. Must happen before the
    /// driver loads, i.e. before the first Vulkan call of the process.
    public static func configureLavapipe() {
        setenv("LP_NUM_THREADS", "0", 0)
    }
}
