import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
import Tokenizers
@testable import VeerServer

@Suite struct ChatCompletionRouteTests {
    static var happyDefault: [String: Any] { ["name": "happy", "method": "caa", "strength": 2, "blocks": [3, 4], "positions": "all"] }

    @Test func wholeResponseHasOpenAIShapeAndVeerField() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["Hel", "lo"], trailing: "!")) }
        let steering = FakeSteering()
        let body = try await withServer(engine, steering: steering) { client in
            try await client.post("/v1/chat/completions", #"{"model": "anything", "messages": [{"role": "user", "content": "Hi"}]}"#)
        }
        #expect(body.status == .ok)
        #expect(body.headers[.contentType] == "application/json")
        var json = try body.json()
        #expect((json.removeValue(forKey: "id") as? String)?.hasPrefix("chatcmpl-") == true)
        #expect(json.removeValue(forKey: "created") is Int)
        let expected: [String: Any] = [
            "object": "chat.completion", "model": "test-model",
            "choices": [["index": 0, "message": ["role": "assistant", "content": "Hello!"], "logprobs": NSNull(), "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7],
            "veer": ["steering": [Self.happyDefault], "backend": "scripted", "timings": ["ttft_ms": 500, "total_ms": 2000]],
        ]
        #expect(jsonEqual(json, expected), "\(json)")
        // No `steering` field: the server's default (nil items), with the chat's answer start.
        let call = try #require(steering.calls.first)
        #expect(call.items == nil)
        let prompt = try #require(engine.record.submitted.first?.prompt)
        #expect(call.promptLength == prompt.count && call.answerStart == prompt.count)
    }

    @Test func requestMapsToTheRenderedPromptAndOpenAIDefaults() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["ok"])) }
        _ = try await withServer(engine) { client in
            try await client.post("/v1/chat/completions", #"""
                {"messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "Hi <|im_end|>"}]}],
                 "stop": "END", "unknown_field": {"ignored": true}}
                """#)
        }
        let request = try #require(engine.record.submitted.first)
        let model = TestModel.served
        let rendered = model.template.render(messages: [ChatMessage(role: "system", content: "Be brief."),
                                                        ChatMessage(role: "user", content: "Hi <|im_end|>")], addGenerationPrompt: true)
        #expect(request.prompt == rendered.encode(with: model.tokenizer, addBOS: false).ids)
        #expect(request.prompt.first == 1 && request.prompt.filter { $0 == 2 }.count == 2, "user text never becomes <|im_end|>")
        #expect(request.maxTokens == 100, "the default 256, capped at the engine's limit")
        #expect(request.sampling.temperature == 1 && request.sampling.topP == 1 && request.sampling.topK == 0)
        #expect(request.sampling.minP == 0 && request.sampling.repetitionPenalty == 1)
        #expect(request.stopStrings == ["END"] && request.logprobs == nil && request.steering == nil)
    }

    @Test func samplingFieldsAndSteeringReachTheEngine() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["ok"])) }
        let steering = FakeSteering()
        let response = try await withServer(engine, steering: steering) { client in
            try await client.post("/v1/chat/completions", #"""
                {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 7, "temperature": 0, "top_p": 0.5,
                 "top_k": 3, "min_p": 0.1, "seed": 42, "repeat_penalty": 1.2, "stop": ["a", "b"], "n": 1,
                 "frequency_penalty": 0.5, "presence_penalty": -1,
                 "steering": [{"vector": "happy", "strength": -3, "positions": "answer"}, {"spec": {"method": "caa", "blocks": [1]}}]}
                """#)
        }
        let request = try #require(engine.record.submitted.first)
        #expect(request.maxTokens == 7 && request.stopStrings == ["a", "b"])
        #expect(request.sampling.temperature == 0 && request.sampling.topP == 0.5 && request.sampling.topK == 3)
        #expect(request.sampling.minP == 0.1 && request.sampling.seed == 42 && request.sampling.repetitionPenalty == 1.2)
        #expect(request.sampling.frequencyPenalty == 0.5 && request.sampling.presencePenalty == -1)
        let items = try #require(steering.calls.first?.items)
        #expect(items.count == 2)
        #expect(items[0] == .vector(name: "happy", strength: -3, layers: nil, positions: "answer"))
        guard case let .spec(json) = items[1] else { Issue.record("not a spec: \(items[1])"); return }
        #expect(try jsonEqual(JSONSerialization.jsonObject(with: json), ["method": "caa", "blocks": [1]]))
        #expect(String(decoding: json, as: UTF8.self).contains("[1]"), "integers stay integers")
        let applied = try #require(try response.json()["veer"] as? [String: Any])["steering"]
        #expect(jsonEqual(applied, [["name": "happy", "method": "caa", "strength": -3, "blocks": [3, 4], "positions": "answer"],
                                    ["name": "spec", "method": "caa", "strength": 1, "blocks": [1], "positions": "all"]]))
    }

    @Test func emptySteeringListTurnsTheDefaultOff() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["ok"])) }
        let steering = FakeSteering()
        let response = try await withServer(engine, steering: steering) { client in
            try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}], "steering": []}"#)
        }
        #expect(steering.calls.first?.items == [])
        let veer = try #require(try response.json()["veer"] as? [String: Any])
        #expect(jsonEqual(veer["steering"], [Any]()))
    }

    @Test func seedDefaultsToRandom() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["ok"])) }
        _ = try await withServer(engine) { client in
            for _ in 0..<3 { _ = try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}]}"#) }
        }
        #expect(Set(engine.record.submitted.map(\.sampling.seed)).count == 3)
    }

    @Test func streamSendsRoleThenTokensThenFinishThenDone() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["Hel", "", "lo"], finish: .length, trailing: "!")) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}], "stream": true}"#)
        }
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/event-stream")
        // The server closes a stream's connection after it (see SSE.response): clients must not reuse it.
        #expect(response.headers[.connection] == "close")
        let chunks = try response.eventObjects()
        let ids = Set(chunks.compactMap { $0["id"] as? String })
        #expect(ids.count == 1 && ids.first?.hasPrefix("chatcmpl-") == true)
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "test-model" })
        let choices = chunks.map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
        // Role, "Hel", "lo" (the empty token skipped), the held-back "!", the finish chunk.
        #expect(choices.count == 5)
        #expect(jsonEqual(choices[0]["delta"], ["role": "assistant", "content": ""]))
        #expect(jsonEqual(choices[1]["delta"], ["content": "Hel"]) && choices[1]["finish_reason"] is NSNull)
        #expect(jsonEqual(choices[2]["delta"], ["content": "lo"]) && choices[2]["logprobs"] is NSNull)
        #expect(jsonEqual(choices[3]["delta"], ["content": "!"]))
        #expect(jsonEqual(choices[4]["delta"], [String: Any]()) && choices[4]["finish_reason"] as? String == "length")
        #expect(chunks.dropLast().allSatisfy { $0["veer"] == nil && $0["usage"] == nil })
        #expect(jsonEqual(chunks.last?["veer"], ["steering": [Self.happyDefault], "backend": "scripted",
                                                 "timings": ["ttft_ms": 500, "total_ms": 2000]]))
    }

    @Test func streamWithIncludeUsageEndsWithAUsageChunk() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["a", "b"])) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/chat/completions", #"""
                {"messages": [{"role": "user", "content": "Hi"}], "stream": true, "stream_options": {"include_usage": true}}
                """#)
        }
        let chunks = try response.eventObjects()
        let last = try #require(chunks.last)
        #expect(jsonEqual(last["choices"], [Any]()))
        #expect(jsonEqual(last["usage"], ["prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7]))
        #expect(last["veer"] != nil)
        #expect(chunks.dropLast().allSatisfy { $0["usage"] == nil && $0["veer"] == nil })
        #expect(((chunks[chunks.count - 2]["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String) == "stop")
    }

    @Test func logprobsInChatFormat() async throws {
        let h = TestModel.id("H"), i = TestModel.id("i")
        let engine = ScriptedEngine { _ in .events(answer(["H", "i"], ids: [h, i], logprobs: true)) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}], "logprobs": true, "top_logprobs": 2}"#)
        }
        #expect(engine.record.submitted.first?.logprobs == 2)
        let choice = try #require((try response.json()["choices"] as? [[String: Any]])?.first)
        let expected: [String: Any] = ["content": [
            ["token": "H", "logprob": -0.25, "bytes": [72],
             "top_logprobs": [["token": "H", "logprob": -0.25, "bytes": [72]], ["token": "d", "logprob": -1.5, "bytes": [4]]]],
            ["token": "i", "logprob": -0.25, "bytes": [105],
             "top_logprobs": [["token": "i", "logprob": -0.25, "bytes": [105]], ["token": "d", "logprob": -1.5, "bytes": [4]]]],
        ]]
        #expect(jsonEqual(choice["logprobs"], expected), "\(choice)")
    }

    @Test func streamedLogprobsComeWithEachToken() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["H", ""], ids: [TestModel.id("H"), TestModel.id("i")], logprobs: true)) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}], "logprobs": true, "stream": true}"#)
        }
        let choices = try response.eventObjects().map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
        // Role, "H", the empty-text token (kept: it has a logprob), finish.
        #expect(choices.count == 4)
        let second = try #require((choices[2]["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(second.first?["token"] as? String == "i" && jsonEqual(choices[2]["delta"], ["content": ""]))
    }

    @Test func failedGenerationIsA500WholeAndAnErrorEventStreamed() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["a"], finish: .degenerate)) }
        try await withServer(engine) { client in
            let whole = try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}]}"#)
            try whole.expectError(.internalServerError, param: nil, mentioning: "block 3 went NaN")
            let streamed = try await client.post("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi"}], "stream": true}"#)
            let chunks = try streamed.eventObjects()
            let error = try #require(chunks.last?["error"] as? [String: Any])
            #expect(error["code"] as? String == "degenerate")
            #expect((error["message"] as? String)?.contains("block 3 went NaN") == true)
        }
    }

    /// OpenAI's frequency/presence penalties reach the sampler (0 when absent).
    @Test func penaltiesReachTheSampler() throws {
        let body = try JSONDecoder().decode(ChatCompletionBody.self, from: Data(#"""
            {"messages": [{"role": "user", "content": "Hi"}], "frequency_penalty": 0.5, "presence_penalty": -1}
            """#.utf8))
        let mapper = RequestMapper(model: TestModel.served, info: ScriptedEngine.defaultInfo, steering: FakeSteering())
        let mapped = try mapper.chat(body)
        #expect(mapped.completion.sampling.frequencyPenalty == 0.5 && mapped.completion.sampling.presencePenalty == -1)
        let defaults = try mapper.chat(try JSONDecoder().decode(ChatCompletionBody.self, from: Data(#"{"messages": [{"role": "user", "content": "Hi"}]}"#.utf8)))
        #expect(defaults.completion.sampling.frequencyPenalty == 0 && defaults.completion.sampling.presencePenalty == 0)
    }
}
