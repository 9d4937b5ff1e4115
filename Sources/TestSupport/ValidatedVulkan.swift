import Foundation
import KernelsVulkan
import Testing
import VulkanRuntime

/// Vulkan backends for tests, always with the validation layers and synchronization validation on, and every
/// message they report turned into a test failure. Other options come from the environment (VEER_VK_FORCE_STAGING,
/// VEER_VK_MAX_BINDING_BYTES, VEER_VK_DISABLE, VEER_DEVICE), so `tools/test` can rerun the suites on the fallbacks.
/// Tests that use them carry `.exclusiveVulkan`: the validation layer is not safe to use from two tests at once.
public enum ValidatedVulkan {
    /// A new backend on its own instance and device (for tests that count live Vulkan objects).
    public static func makeBackend() throws -> VulkanBackend {
        VulkanTestDevice.configureLavapipe()
        var options = try VulkanOptions.fromEnvironment()
        options.validation = true
        return try VulkanBackend(options: options)
    }

    /// Runs `body` on one backend shared by the whole test process (instance, device and pipelines are made once),
    /// one test at a time: the backend is single-threaded, and validation messages must be attributed to the test
    /// that caused them. Messages reported while `body` ran, including by its pending work, become issues.
    public static func withSharedBackend<T>(sourceLocation: SourceLocation = #_sourceLocation,
                                            _ body: (VulkanBackend) throws -> T) throws -> T {
        let shared = try SharedBackend.instance.get()
        shared.lock.lock()
        defer { shared.lock.unlock() }
        return try withValidation(of: shared.backend, sourceLocation: sourceLocation) { try body(shared.backend) }
    }

    /// Runs `body`, then flushes the backend's pending work and records every validation message reported meanwhile.
    public static func withValidation<T>(of backend: VulkanBackend, sourceLocation: SourceLocation = #_sourceLocation,
                                         _ body: () throws -> T) throws -> T {
        let before = backend.validationMessages.count
        defer {
            do { try backend.synchronize() } catch { Issue.record(error, "synchronize after the test", sourceLocation: sourceLocation) }
            for message in backend.validationMessages.dropFirst(before) {
                Issue.record("Vulkan validation: \(message)", sourceLocation: sourceLocation)
            }
        }
        return try body()
    }
}

/// The process-wide backend behind `ValidatedVulkan.withSharedBackend`, made on first use (or the error that
/// prevented it, reported by every test that asks).
private final class SharedBackend: @unchecked Sendable {   // the backend is only touched while holding `lock`
    let backend: VulkanBackend
    let lock = NSLock()

    init() throws { backend = try ValidatedVulkan.makeBackend() }

    static let instance = Result<SharedBackend, any Error> { try SharedBackend() }
}
