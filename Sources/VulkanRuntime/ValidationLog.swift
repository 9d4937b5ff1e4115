import CVulkan
import Synchronization

/// Messages from the validation layers (warnings and errors), collected by a debug messenger so tests can turn them
/// into failures.
public final class ValidationLog: Sendable {
    private let messages = Mutex<[String]>([])
    public init() {}
    public var all: [String] { messages.withLock { $0 } }
    public func clear() { messages.withLock { $0.removeAll() } }
    func append(_ message: String) { messages.withLock { $0.append(message) } }
}

/// The messenger callback: a non-capturing closure; the log arrives through pUserData.
let validationCallback: PFN_vkDebugUtilsMessengerCallbackEXT = { severity, _, data, userData in
    guard let data, let userData else { return VkBool32(VK_FALSE) }
    let log = Unmanaged<ValidationLog>.fromOpaque(userData).takeUnretainedValue()
    let text = data.pointee.pMessage.map { String(cString: $0) } ?? "(no message)"
    let level = severity.rawValue >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue ? "error" : "warning"
    log.append("[\(level)] \(text)")
    return VkBool32(VK_FALSE)
}
