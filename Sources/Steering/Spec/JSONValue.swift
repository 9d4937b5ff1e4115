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

    /// Parses `data`; invalid JSON is an error with the decoder's account of where it broke.
    static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
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

extension JSONValue: Decodable {
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        // Order matters: the decoder refuses to read a number as Bool and a boolean as Double, so each JSON type
        // lands in exactly one case.
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }
}
