import Foundation
import Hummingbird
import Serving

/// An error answered in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`. `param` names the request
/// field at fault (e.g. `messages[0].content`, `steering[1].strength`), so a client can tell what to fix.
struct APIError: Error, Equatable, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var param: String?
    var code: String?
    /// Seconds for `Retry-After` (429).
    var retryAfter: Int?

    /// A bad request naming `param` (nil when the fault is the body as a whole).
    static func invalid(_ param: String?, _ message: String) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: nil)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, message: message, type: "invalid_request_error", param: nil, code: "invalid_api_key")
    }

    static let draining = APIError(status: .serviceUnavailable, message: "the server is shutting down and accepts no new requests",
                                   type: "server_error", param: nil, code: "draining")

    /// The HTTP answer to an engine's refusal.
    init(_ rejection: EngineRejection) {
        switch rejection {
        case let .queueFull(seconds):
            self.init(status: .tooManyRequests, message: "every slot is busy and the queue is full; retry after \(seconds) s",
                      type: "server_error", param: nil, code: "queue_full", retryAfter: seconds)
        case .draining:
            self = .draining
        case let .invalid(field, message):
            self = .invalid(field, message)
        }
    }

    init(status: HTTPResponse.Status, message: String, type: String, param: String?, code: String?, retryAfter: Int? = nil) {
        self.status = status; self.message = message; self.type = type; self.param = param; self.code = code
        self.retryAfter = retryAfter
    }

    /// The `error` object (also sent as an SSE event when a stream ends badly).
    var body: ErrorBody { ErrorBody(error: .init(message: message, type: type, param: param, code: code)) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONOutput.encode(body))))
    }
}

/// `{"error": {...}}`; `param` and `code` are written as null when absent, as OpenAI does.
struct ErrorBody: Encodable, Equatable {
    struct Detail: Encodable, Equatable {
        var message: String
        var type: String
        var param: String?
        var code: String?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
        enum CodingKeys: String, CodingKey { case message, type, param, code }
    }
    var error: Detail
}

/// Turns every error a route or middleware throws into OpenAI's error JSON (404 for unknown routes included), so
/// clients never see Hummingbird's plain-text errors.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let type = error.status.code >= 500 ? "server_error" : "invalid_request_error"
            let message = error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            return try APIError(status: error.status, message: message, type: type, param: nil, code: nil)
                .response(from: request, context: context)
        } catch {
            context.logger.error("request failed: \(error)")
            return try APIError(status: .internalServerError, message: "internal error: \(error)", type: "server_error",
                                param: nil, code: nil).response(from: request, context: context)
        }
    }
}
