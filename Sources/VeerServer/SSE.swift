import Hummingbird

/// Server-sent events as OpenAI streams them: `data: {json}\n\n` per chunk, then `data: [DONE]\n\n`.
enum SSE {
    static func event(_ value: some Encodable) -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(JSONOutput.encode(value))
        buffer.writeString("\n\n")
        return buffer
    }

    static var done: ByteBuffer { ByteBuffer(string: "data: [DONE]\n\n") }

    /// The stream's response. `Connection: close`: a stream is written while the server watches its connection for
    /// the client closing (to cancel the request at once), and that watch leaves the connection unusable afterwards,
    /// so the server closes it; saying so keeps clients from sending their next request on it.
    static func response(_ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"],
                 body: ResponseBody(write))
    }
}
