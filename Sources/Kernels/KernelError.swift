/// Errors a kernel call raises on bad input: wrong buffer sizes, impossible shapes, bad steering tables.
/// Messages name the op, the operand and what was expected.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    case bufferTooSmall(op: String, operand: String, neededBytes: Int, actualBytes: Int)
    case invalidShape(op: String, detail: String)
    case invalidTable(op: String, detail: String)
    case unsupported(op: String, detail: String)

    public var description: String {
        switch self {
        case let .bufferTooSmall(op, operand, needed, actual):
            return "\(op): buffer '\(operand)' holds \(actual) bytes but the op needs \(needed)"
        case let .invalidShape(op, detail):
            return "\(op): invalid shape: \(detail)"
        case let .invalidTable(op, detail):
            return "\(op): invalid steering table: \(detail)"
        case let .unsupported(op, detail):
            return "\(op): unsupported: \(detail)"
        }
    }
}

/// Checks that a buffer holds at least `needed` bytes.
@inlinable
public func requireBytes(_ actual: Int, _ needed: Int, op: String, operand: String) throws {
    if actual < needed { throw KernelError.bufferTooSmall(op: op, operand: operand, neededBytes: needed, actualBytes: actual) }
}

/// Checks that a shape parameter is positive.
@inlinable
public func requirePositive(_ value: Int, _ name: String, op: String) throws {
    if value <= 0 { throw KernelError.invalidShape(op: op, detail: "\(name) must be positive, got \(value)") }
}
