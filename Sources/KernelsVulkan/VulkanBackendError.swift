/// Errors of the Vulkan backend itself (kernel input errors are `KernelError`, device errors `VulkanError`).
public enum VulkanBackendError: Error, Equatable, CustomStringConvertible {
    /// The binary has no SPIR-V for a shader variant: Shaders/variants.txt and the backend disagree.
    case missingShader(name: String, available: Int)
    /// The embedded SPIR-V of a variant does not decode to a module.
    case corruptShader(name: String)
    /// A call that the backend's state does not allow (e.g. reading while recording a replay).
    case invalidUse(String)

    public var description: String {
        switch self {
        case let .missingShader(name, available):
            return "no SPIR-V for shader variant '\(name)' among the \(available) embedded ones: add it to "
                + "Shaders/variants.txt and rebuild"
        case let .corruptShader(name):
            return "the embedded SPIR-V of shader variant '\(name)' is corrupt (not base64 of whole 32-bit words); rebuild"
        case let .invalidUse(detail):
            return "Vulkan backend: \(detail)"
        }
    }
}
