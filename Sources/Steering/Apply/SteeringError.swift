/// Errors of applying steering (arguments and their combination with a model). Vector-file problems are
/// `SteeringVectorError`, which names the file.
public enum SteeringError: Error, CustomStringConvertible, Equatable {
    case badArgument(String)
    case mismatch(String)

    /// The message, naming the argument or value and what was expected.
    public var description: String {
        switch self {
        case .badArgument(let message), .mismatch(let message): message
        }
    }
}
