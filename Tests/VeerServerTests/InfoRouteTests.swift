import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
@testable import VeerServer

@Suite struct InfoRouteTests {
    @Test func modelsListsTheServedModel() async throws {
        let response = try await withServer(ScriptedEngine { _ in .events([]) }) { client in try await client.get("/v1/models") }
        #expect(response.status == .ok)
        #expect(try jsonEqual(response.json(), ["object": "list", "data": [["id": "test-model", "object": "model",
                                                                             "created": 1_700_000_000, "owned_by": "veer"]]]))
    }

    @Test func steeringVectorsListsRegisteredVectorsAndTheDefault() async throws {
        let response = try await withServer(ScriptedEngine { _ in .events([]) }) { client in try await client.get("/v1/steering/vectors") }
        #expect(response.status == .ok)
        let expected: [String: Any] = [
            "object": "list",
            "data": [["name": "happy", "method": "caa", "site": "resid_post", "blocks": [3, 4], "fingerprintMatches": true,
                      "strengthRange": [-4, 4]]],
            "default": [ChatCompletionRouteTests.happyDefault],
        ]
        #expect(try jsonEqual(response.json(), expected), "\(response.text)")
    }

    @Test func metricsCountRequestsTokensAndReadTheEngine() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["a", "b", "c"], promptTokens: 4)) }
        let text = try await withServer(engine) { client in
            _ = try await client.post("/v1/completions", #"{"prompt": "a"}"#)
            _ = try await client.post("/v1/completions", #"{"prompt": "a", "stream": true}"#)
            _ = try await client.post("/v1/completions", #"{"prompt": 5}"#)
            _ = try await client.get("/nowhere")
            let response = try await client.get("/metrics")
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            return response.text
        }
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            #"veer_requests_total{route="/v1/completions",status="200"} 2"#,
            #"veer_requests_total{route="/v1/completions",status="400"} 1"#,
            #"veer_requests_total{route="NotFound",status="404"} 1"#,
            "veer_tokens_generated_total 6", "veer_prompt_tokens_total 8",
            "veer_queue_depth 1.0", "veer_slots_busy 0.0", "veer_slots_total 4.0",
            "veer_time_to_first_token_seconds_count 2", "veer_token_latency_seconds_count 4",
            "veer_request_duration_seconds_count 2",
        ] {
            #expect(lines.contains(expected), "missing \(expected) in\n\(text)")
        }
    }
}
