import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
@testable import VeerServer

/// API key, overload, draining and unknown routes.
@Suite struct GuardTests {
    static let chat = #"{"messages": [{"role": "user", "content": "Hi"}]}"#

    @Test func apiKeyGuardsEveryRouteButHealthAndThePlayground() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        var configuration = ServerConfiguration(port: 0)
        configuration.apiKey = "sekret"
        try await withServer(engine, configuration: configuration) { client in
            for uri in ["/v1/models", "/v1/steering/vectors", "/metrics", "/nowhere"] {
                try await client.get(uri).expectError(.unauthorized, param: nil, mentioning: "Authorization: Bearer")
                try await client.get(uri, headers: [.authorization: "Bearer wrong"]).expectError(.unauthorized, param: nil, mentioning: "wrong")
            }
            try await client.post("/v1/chat/completions", Self.chat).expectError(.unauthorized, param: nil)
            try await client.post("/v1/completions", #"{"prompt": "a"}"#, headers: [.authorization: "sekret"]).expectError(.unauthorized, param: nil)
            let key: HTTPFields = [.authorization: "Bearer sekret"]
            let response1 = try await client.get("/v1/models", headers: key)
            #expect(response1.status == .ok, "\(response1.text)")
            let response2 = try await client.post("/v1/chat/completions", Self.chat, headers: key)
            #expect(response2.status == .ok, "\(response2.text)")
            let response3 = try await client.get("/health")
            #expect(response3.status == .ok, "\(response3.text)")
            let response4 = try await client.get("/")
            #expect(response4.status == .ok, "\(response4.text)")
        }
        #expect(engine.record.submitted.count == 1)
    }

    @Test func fullQueueIs429WithRetryAfter() async throws {
        let engine = ScriptedEngine(rejection: .queueFull(retryAfterSeconds: 3)) { _ in .events([]) }
        let response = try await withServer(engine) { client in try await client.post("/v1/chat/completions", Self.chat) }
        try response.expectError(.tooManyRequests, param: nil, mentioning: "queue")
        #expect(response.headers[.retryAfter] == "3")
    }

    @Test func drainingIs503ForCompletionsAndHealth() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        try await withServer(engine) { client in
            let ok = try await client.get("/health")
            #expect(ok.status == .ok)
            #expect(try jsonEqual(ok.json(), ["status": "ok"]))
            engine.beginDrain()
            let health = try await client.get("/health")
            #expect(health.status == .serviceUnavailable)
            #expect(try jsonEqual(health.json(), ["status": "draining"]))
            try await client.post("/v1/chat/completions", Self.chat).expectError(.serviceUnavailable, param: nil, mentioning: "shutting down")
            try await client.post("/v1/completions", #"{"prompt": "a"}"#).expectError(.serviceUnavailable, param: nil)
        }
        #expect(engine.record.submitted.isEmpty)
    }

    @Test func engineDrainingRejectionIs503() async throws {
        let engine = ScriptedEngine(rejection: .draining) { _ in .events([]) }
        let response = try await withServer(engine) { client in try await client.post("/v1/completions", #"{"prompt": "a"}"#) }
        try response.expectError(.serviceUnavailable, param: nil)
    }

    @Test func unknownRouteIs404InOpenAIShape() async throws {
        let engine = ScriptedEngine { _ in .events([]) }
        let response = try await withServer(engine) { client in try await client.get("/v1/embeddings") }
        try response.expectError(.notFound, param: nil, mentioning: "/v1/embeddings")
    }

    @Test func playgroundPageIsHTML() async throws {
        let response = try await withServer(ScriptedEngine { _ in .events([]) }) { client in try await client.get("/") }
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(response.text == PlaygroundPage.html)
    }
}
