import Hummingbird

/// `--api-key`: every route but /health (probes) and / (a static page with no data; it sends the key the user types)
/// needs `Authorization: Bearer <key>`.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String
    static var openPaths: Set<String> { ["/health", "/"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this server needs an API key: send \"Authorization: Bearer <key>\"")
        }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), Self.equalInConstantTime(Array(header.utf8.dropFirst(prefix.utf8.count)), Array(apiKey.utf8)) else {
            throw APIError.unauthorized("the API key is wrong")
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing does not reveal how much of a guess was right.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
