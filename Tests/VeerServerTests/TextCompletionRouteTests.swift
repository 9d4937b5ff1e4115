import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
@testable import VeerServer

@Suite struct TextCompletionRouteTests {
    @Test func wholeResponseHasOpenAIShape() async throws {
        let engine = ScriptedEngine { _ in .events(answer([" wor", "ld"], finish: .length, promptTokens: 2)) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/completions", #"{"model": "x", "prompt": "Hello", "max_tokens": 2}"#)
        }
        #expect(response.status == .ok)
        var json = try response.json()
        #expect((json.removeValue(forKey: "id") as? String)?.hasPrefix("cmpl-") == true)
        #expect(json.removeValue(forKey: "created") is Int)
        let expected: [String: Any] = [
            "object": "text_completion", "model": "test-model",
            "choices": [["index": 0, "text": " world", "logprobs": NSNull(), "finish_reason": "length"]],
            "usage": ["prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4],
            "veer": ["steering": [ChatCompletionRouteTests.happyDefault], "backend": "scripted",
                     "timings": ["ttft_ms": 500, "total_ms": 2000]],
        ]
        #expect(jsonEqual(json, expected), "\(json)")
        let request = try #require(engine.record.submitted.first)
        #expect(request.prompt == "Hello".map(TestModel.id) && request.maxTokens == 2)
    }

    @Test func promptForms() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        let steering = FakeSteering()
        try await withServer(engine, steering: steering) { client in
            let response1 = try await client.post("/v1/completions", #"{"prompt": ["Hi"]}"#)
            #expect(response1.status == .ok, "\(response1.text)")
            let response2 = try await client.post("/v1/completions", #"{"prompt": [1, 75, 2]}"#)
            #expect(response2.status == .ok, "\(response2.text)")
            // Control tokens written in a raw prompt are parsed (llama-server's behaviour).
            let response3 = try await client.post("/v1/completions", #"{"prompt": "<|im_start|>H"}"#)
            #expect(response3.status == .ok, "\(response3.text)")
        }
        #expect(engine.record.submitted.map(\.prompt) == [[TestModel.id("H"), TestModel.id("i")], [1, 75, 2], [1, TestModel.id("H")]])
        #expect(steering.calls.allSatisfy { $0.answerStart == nil })
    }

    @Test func streamSendsTextChunksThenFinishThenDone() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["a", "", "b"], trailing: "c")) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/completions", #"{"prompt": "Hi", "stream": true}"#)
        }
        let chunks = try response.eventObjects()
        #expect(chunks.allSatisfy { $0["object"] as? String == "text_completion" && ($0["id"] as? String)?.hasPrefix("cmpl-") == true })
        let choices = chunks.map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
        #expect(choices.map { $0["text"] as? String } == ["a", "b", "c"])
        #expect(choices.map { $0["finish_reason"] as? String } == [nil, nil, "stop"])
        #expect(choices[0]["finish_reason"] is NSNull && choices[0]["logprobs"] is NSNull)
        #expect(chunks.last?["veer"] != nil && chunks.dropLast().allSatisfy { $0["veer"] == nil })
    }

    @Test func logprobsInCompletionsFormat() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["H", "i"], ids: [TestModel.id("H"), TestModel.id("i")], logprobs: true)) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/completions", #"{"prompt": "x", "logprobs": 2}"#)
        }
        #expect(engine.record.submitted.first?.logprobs == 2)
        let choice = try #require((try response.json()["choices"] as? [[String: Any]])?.first)
        let expected: [String: Any] = [
            "tokens": ["H", "i"], "token_logprobs": [-0.25, -0.25],
            "top_logprobs": [["H": -0.25, "d": -1.5], ["i": -0.25, "d": -1.5]], "text_offset": [0, 1],
        ]
        #expect(jsonEqual(choice["logprobs"], expected), "\(choice)")
    }

    @Test func streamedLogprobsCarryTheirTextOffset() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["H", "i"], ids: [TestModel.id("H"), TestModel.id("i")], logprobs: true)) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/completions", #"{"prompt": "x", "logprobs": 0, "stream": true}"#)
        }
        let logprobs = try response.eventObjects().dropLast().map { ($0["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any] }
        #expect(logprobs.map { $0?["text_offset"] as? [Int] } == [[0], [1]])
        #expect(logprobs.map { $0?["tokens"] as? [String] } == [["H"], ["i"]])
    }
}
