import Foundation

/// A parsed JSON document that keeps what JSONSerialization blurs: a boolean is never a number (`true` is not `1`),
/// and `null` is a value of its own, so a spec reader can say exactly which type it found.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data` (`JSONParser`: a key twice in one object is an error); invalid JSON is an error saying the
    /// line, column and problem.
    static func parse(_ data: Data) throws -> JSONValue {
        try JSONParser.parse([UInt8](data))
    }

    /// What the value is, for "expected X, found Y" messages: "a string \"abc\"", "the number 3.5", "null".
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "the number \(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")"
        case .string(let text): "the string \(jsonStringLiteral(text.count > 40 ? String(text.prefix(40)) + "…" : text))"
        case .array(let items): "a list of \(items.count)"
        case .object: "an object"
        }
    }
}
