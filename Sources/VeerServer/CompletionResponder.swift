import Hummingbird
import Serving

/// Submits a mapped request to the engine and answers it in `Shape`'s format, streamed or whole.
struct CompletionResponder: Sendable {
    let engine: any CompletionEngine
    let metrics: ServerMetrics

    func respond<Shape: CompletionShape>(_ mapped: MappedRequest, shape: Shape, request: Request) async throws -> Response {
        let submitted = ContinuousClock.now
        let events: AsyncStream<CompletionEvent>
        do {
            events = try engine.submit(mapped.completion)
        } catch {
            throw APIError(error)
        }
        return mapped.stream ? stream(events, submitted: submitted, shape: shape, request: request)
                             : try await whole(events, submitted: submitted, shape: shape)
    }

    /// The error a request that ended without stop or length reports (500 whole, an SSE error event streamed).
    static func failure(_ summary: CompletionSummary?) -> APIError {
        guard let summary else {
            return APIError(status: .internalServerError, message: "the engine ended the request without finishing it",
                            type: "server_error", param: nil, code: "internal")
        }
        let reason = summary.finishReason
        let message: String = switch reason {
        case .cancelled: "the request was cancelled"
        case .degenerate: "the model's output became degenerate (NaN, infinite or flat logits)"
        case .shutdown: "the server shut down before the request finished"
        case .failed: "the model's forward pass failed"
        case .stop, .length: "finished"
        }
        return APIError(status: .internalServerError, message: summary.detail.map { "\(message): \($0)" } ?? message,
                        type: "server_error", param: nil, code: reason.rawValue)
    }

    static func succeeded(_ summary: CompletionSummary) -> Bool { summary.finishReason == .stop || summary.finishReason == .length }

    private func whole<Shape: CompletionShape>(_ events: AsyncStream<CompletionEvent>, submitted: ContinuousClock.Instant,
                                               shape: Shape) async throws -> Response {
        var tokens: [GeneratedToken] = []
        var summary: CompletionSummary?
        try await EventRelay.relay(events, submitted: submitted, metrics: metrics) { event in
            switch event {
            case let .token(token): tokens.append(token)
            case let .finished(end): summary = end
            }
        }
        guard let summary, Self.succeeded(summary) else { throw Self.failure(summary) }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: JSONOutput.encode(shape.whole(tokens, summary)))))
    }

    /// Streams the events as SSE. A client that closes its connection ends the stream at once, not at the next
    /// failed write: the writing runs under Hummingbird's inbound-close watch, which cancels it, and cancelling the
    /// relay cancels the engine's stream.
    private func stream<Shape: CompletionShape>(_ events: AsyncStream<CompletionEvent>, submitted: ContinuousClock.Instant,
                                                shape: Shape, request: Request) -> Response {
        let metrics = metrics
        return SSE.response { writer in
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                var shape = shape
                if let opening = shape.openingChunk() { try await writer.write(SSE.event(opening)) }
                var summary: CompletionSummary?
                try await EventRelay.relay(events, submitted: submitted, metrics: metrics) { event in
                    switch event {
                    case let .token(token):
                        if let chunk = shape.tokenChunk(token) { try await writer.write(SSE.event(chunk)) }
                    case let .finished(end):
                        summary = end
                    }
                }
                // A cancelled relay (the client went away) has nobody to write to.
                try Task.checkCancellation()
                if let summary, Self.succeeded(summary) {
                    for chunk in shape.closingChunks(summary) { try await writer.write(SSE.event(chunk)) }
                } else {
                    try await writer.write(SSE.event(Self.failure(summary).body))
                }
                try await writer.write(SSE.done)
            }
            try await writer.finish(nil)
        }
    }
}
