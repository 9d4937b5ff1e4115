/// Everything that can be wrong with a GGUF file or a metadata lookup. Every error names the file (`file`) and says
/// what was expected and what was found, so a user can tell a corrupt download from an unsupported model.
public struct GGUFError: Error, Equatable, CustomStringConvertible {
    /// The path (or the name given to an in-memory file) the error is about.
    public var file: String
    /// What is wrong.
    public var kind: Kind

    /// An error about `file`.
    public init(file: String, _ kind: Kind) {
        self.file = file
        self.kind = kind
    }

    /// The kinds of error, each with the values its message shows.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened or mapped; `reason` is the system's message.
        case cannotOpen(reason: String)
        /// Reading `what` at byte `offset` needs `needed` bytes but the file ends `available` bytes later.
        case truncated(what: String, offset: Int, needed: Int, available: Int)
        case badMagic(found: [UInt8])
        case unsupportedVersion(UInt32)
        /// A count or length that cannot fit in what is left of the file (checked before anything is allocated).
        case countTooLarge(what: String, count: UInt64, offset: Int, limit: UInt64)
        case invalidValueType(key: String, raw: UInt32)
        /// Arrays nested deeper than the reader accepts (a defence against stack exhaustion).
        case arrayTooDeep(key: String, depth: Int)
        case duplicateKey(String)
        case invalidAlignment(found: String)
        case invalidTensor(name: String, detail: String)
        case unsupportedTensorType(name: String, type: GGMLType)
        case duplicateTensor(String)
        case tensorOutOfBounds(name: String, start: UInt64, byteCount: UInt64, fileSize: Int)
        case missingKey(String)
        case typeMismatch(key: String, expected: String, found: String)
        case valueOutOfRange(key: String, detail: String)
        case missingTensor(String)
        /// A `GGUFWriter` was given something it cannot write.
        case invalidWriterInput(String)
    }

    /// "FILE: MESSAGE", the form every command prints.
    public var description: String { "\(file): \(kind)" }
}

extension GGUFError.Kind: CustomStringConvertible {
    /// The message: what was expected, what was found, and where.
    public var description: String {
        switch self {
        case let .cannotOpen(reason):
            return "cannot open the file: \(reason)"
        case let .truncated(what, offset, needed, available):
            return "file is truncated: reading \(what) at byte \(offset) needs \(needed) bytes but only \(available) remain"
                + " (an interrupted download? compare the size or checksum with the source)"
        case let .badMagic(found):
            let shown = found.map { ($0 >= 0x20 && $0 < 0x7F) ? String(UnicodeScalar($0)) : "." }.joined()
            return "not a GGUF file: it starts with '\(shown)' instead of 'GGUF'"
        case let .unsupportedVersion(version):
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                return "big-endian GGUF (version \(version.byteSwapped)) is not supported; use a little-endian file"
            }
            return "GGUF version \(version) is not supported (versions 2 and 3 are)"
        case let .countTooLarge(what, count, offset, limit):
            return "\(what) at byte \(offset) is \(count), more than the rest of the file can hold (at most \(limit))"
        case let .invalidValueType(key, raw):
            return "metadata key '\(key)' has unknown value type \(raw) (known: 0...12)"
        case let .arrayTooDeep(key, depth):
            return "metadata key '\(key)' nests arrays \(depth) deep, more than the reader accepts"
        case let .duplicateKey(key):
            return "metadata key '\(key)' appears twice"
        case let .invalidAlignment(found):
            return "general.alignment must be a uint32 power of two, found \(found)"
        case let .invalidTensor(name, detail):
            return "tensor '\(name)': \(detail)"
        case let .unsupportedTensorType(name, type):
            let supported = GGMLType.supported.map(\.name).joined(separator: ", ")
            return "tensor '\(name)' has type \(type), which Veer does not read (supported: \(supported));"
                + " use a model file quantized to one of those types"
        case let .duplicateTensor(name):
            return "tensor '\(name)' appears twice in the tensor directory"
        case let .tensorOutOfBounds(name, start, byteCount, fileSize):
            return "tensor '\(name)' occupies bytes \(start)..<\(start &+ byteCount) but the file has \(fileSize) bytes"
        case let .missingKey(key):
            return "metadata key '\(key)' is missing"
        case let .typeMismatch(key, expected, found):
            return "metadata key '\(key)' is \(found), expected \(expected)"
        case let .valueOutOfRange(key, detail):
            return "metadata key '\(key)': \(detail)"
        case let .missingTensor(name):
            return "tensor '\(name)' is missing"
        case let .invalidWriterInput(detail):
            return "cannot write GGUF: \(detail)"
        }
    }
}
