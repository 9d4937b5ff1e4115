import Foundation
import Hummingbird
import Serving

/// POST /v1/chat/completions and /v1/completions.
struct CompletionRoutes: Sendable {
    let mapper: RequestMapper
    let responder: CompletionResponder
    let model: ServedModel
    let maxBodyBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/chat/completions") { request, _ in
            var request = request
            return try await chat(&request)
        }
        router.post("/v1/completions") { request, _ in
            var request = request
            return try await completion(&request)
        }
    }

    func chat(_ request: inout Request) async throws -> Response {
        try refuseWhileDraining()
        let body = try await JSONBody.decode(ChatCompletionBody.self, from: &request, limit: maxBodyBytes)
        let mapped = try mapper.chat(body)
        let header = header(mapped, prefix: "chatcmpl-", logprobs: mapped.completion.logprobs != nil)
        return try await responder.respond(mapped, shape: ChatShape(header: header), request: request)
    }

    func completion(_ request: inout Request) async throws -> Response {
        try refuseWhileDraining()
        let body = try await JSONBody.decode(TextCompletionBody.self, from: &request, limit: maxBodyBytes)
        let mapped = try mapper.completion(body)
        let header = header(mapped, prefix: "cmpl-", logprobs: mapped.completion.logprobs != nil)
        return try await responder.respond(mapped, shape: TextShape(header: header), request: request)
    }

    /// While draining, a new request gets 503 before its body is even read.
    private func refuseWhileDraining() throws {
        if responder.engine.snapshot().draining { throw APIError.draining }
    }

    private func header(_ mapped: MappedRequest, prefix: String, logprobs: Bool) -> ResponseHeader {
        ResponseHeader(id: ResponseHeader.newID(prefix: prefix), created: Int(Date().timeIntervalSince1970), model: model.id,
                       applied: mapped.applied, backend: mapper.info.backend, includeUsage: mapped.includeUsage,
                       logprobs: logprobs ? LogprobFormatter(tokenizer: model.tokenizer) : nil)
    }
}
