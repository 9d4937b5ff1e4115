/// Why a tensor file cannot be written. Each case names the file and the tensor or key at fault.
public enum TensorFileError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(file: String, tensor: String, shape: [Int], values: Int)
    case duplicateName(file: String, tensor: String)
    case reservedName(file: String, tensor: String)
    case headerTooLarge(file: String, bytes: Int, limit: Int)
    case cannotCreate(file: String, reason: String)

    /// The message, naming the file and what is wrong.
    public var description: String {
        switch self {
        case let .shapeMismatch(file, tensor, shape, values):
            return "\(file): tensor \(tensor) has shape \(shape) (\(shape.reduce(1, *)) values) but \(values) values were given"
        case let .duplicateName(file, tensor):
            return "\(file): tensor name \(tensor) is used twice"
        case let .reservedName(file, tensor):
            return "\(file): \(tensor) is reserved by the format and cannot name a tensor"
        case let .headerTooLarge(file, bytes, limit):
            return "\(file): header of \(bytes) bytes exceeds the format's limit of \(limit)"
        case let .cannotCreate(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }
}
