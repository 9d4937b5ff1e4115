import Foundation
import Hummingbird

/// Reads a request body (at most `limit` bytes) and decodes it, turning every failure into a 400 that names the field
/// (`param`) or, for JSON that does not parse, says where it broke.
enum JSONBody {
    /// Decodes the body of `request`, leaving the bytes read in its place (Hummingbird's inbound-close watch, which
    /// streamed responses use, needs the body in the request, not consumed).
    static func decode<T: Decodable>(_ type: T.Type, from request: inout Request, limit: Int) async throws -> T {
        let bytes = try await read(request, limit: limit)
        request.body = RequestBody(buffer: ByteBuffer(bytes: bytes))
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch let error as DecodingError {
            throw apiError(error)
        }
    }

    /// The body, refused as soon as it passes `limit` (by its Content-Length, or while reading).
    static func read(_ request: Request, limit: Int) async throws -> Data {
        let tooLarge = APIError.invalid(nil, "the request body is larger than this server's limit of \(limit) bytes")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        var data = Data()
        for try await chunk in request.body {
            guard data.count + chunk.readableBytes <= limit else { throw tooLarge }
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    static func apiError(_ error: DecodingError) -> APIError {
        switch error {
        case let .typeMismatch(type, context):
            let expected = context.debugDescription.hasPrefix("expected") ? context.debugDescription : "expected \(describe(type))"
            return .invalid(param(context.codingPath), "\(path(context.codingPath)): wrong type, \(expected)")
        case let .valueNotFound(type, context):
            return .invalid(param(context.codingPath), "\(path(context.codingPath)): must not be null (expected \(describe(type)))")
        case let .keyNotFound(key, context):
            let field = path(context.codingPath + [key])
            return .invalid(field, "\(field) is required")
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                ?? context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return .invalid(nil, "the body is not valid JSON: \(detail)")
        case let .dataCorrupted(context):
            return .invalid(path(context.codingPath), "\(path(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            return .invalid(nil, "the body could not be decoded: \(error)")
        }
    }

    /// The field to name: nil for the body as a whole.
    static func param(_ codingPath: [any CodingKey]) -> String? { codingPath.isEmpty ? nil : path(codingPath) }

    /// `messages[0].content` from a coding path ("the body" for the empty path).
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "the body" : text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary") ? "an object" : "\(type)"
        }
    }
}
