import Foundation
import Synchronization

/// The SPIR-V modules GLSLCompilerPlugin embedded in this module (`EmbeddedSPIRV.base64`, one entry per line of
/// Shaders/variants.txt), decoded on first use and kept: every backend in the process shares the words.
enum EmbeddedShaders {
    private static let decoded = Mutex<[String: [UInt32]]>([:])

    static var names: [String] { EmbeddedSPIRV.base64.keys.sorted() }

    /// The words of variant `name`; throws naming it when the build did not embed it.
    static func words(_ name: String) throws -> [UInt32] {
        if let cached = decoded.withLock({ $0[name] }) { return cached }
        guard let encoded = EmbeddedSPIRV.base64[name] else {
            throw VulkanBackendError.missingShader(name: name, available: EmbeddedSPIRV.base64.count)
        }
        let text = encoded.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        guard let data = Data(base64Encoded: text), data.count % 4 == 0, data.count >= 20 else {
            throw VulkanBackendError.corruptShader(name: name)
        }
        let words = data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self) } }
        decoded.withLock { $0[name] = words }
        return words
    }
}
