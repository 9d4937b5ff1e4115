import Foundation

/// The one JSON encoder responses use: no escaped slashes, keys in a stable order (easier to read and diff).
enum JSONOutput {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Every response type is plain data (strings, numbers, lists): encoding cannot fail, except on a non-finite
        // number, which the types never hold (logprobs are clamped where they are made).
        do { return Array(try encoder.encode(value)) } catch { preconditionFailure("response JSON: \(error)") }
    }
}
