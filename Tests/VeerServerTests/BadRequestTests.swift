import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
@testable import VeerServer

/// Every refusal is a 400 in OpenAI's error shape naming the field at fault, and nothing reaches the engine.
@Suite struct BadRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var route = "/v1/chat/completions"
        var body: String
        var param: String?
        var mentioning = ""
        var testDescription: String { "\(param ?? "null"): \(body.prefix(60))" }
    }

    static let chat = #""messages": [{"role": "user", "content": "Hi"}]"#
    static let longPrompt = String(repeating: "x", count: 80)

    static let cases: [Case] = [
        Case(body: #"{"messages": [{"role": "user", "content": "Hi"}"#, param: nil, mentioning: "not valid JSON"),
        Case(body: "[1, 2]", param: nil, mentioning: "wrong type"),
        Case(body: #"{"model": "m"}"#, param: "messages", mentioning: "required"),
        Case(body: #"{"messages": []}"#, param: "messages"),
        Case(body: #"{"messages": "Hi"}"#, param: "messages", mentioning: "wrong type"),
        Case(body: #"{"messages": [{"role": "user", "content": 5}]}"#, param: "messages[0].content"),
        Case(body: #"{"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}"#, param: "messages[0].content", mentioning: "image_url"),
        Case(body: #"{"messages": [{"role": "tool", "content": "x"}]}"#, param: "messages[0].role"),
        Case(body: #"{"messages": [{"content": "x"}]}"#, param: "messages[0].role", mentioning: "required"),
        Case(body: #"{"messages": [{"role": "user", "content": "\#(longPrompt)"}]}"#, param: "messages", mentioning: "context of 64"),
        Case(body: "{\(chat), \"max_tokens\": 101}", param: "max_tokens", mentioning: "limit of 100"),
        Case(body: "{\(chat), \"max_completion_tokens\": 0}", param: "max_completion_tokens"),
        Case(body: "{\(chat), \"max_tokens\": \"ten\"}", param: "max_tokens", mentioning: "an integer"),
        Case(body: "{\(chat), \"max_tokens\": 1.5}", param: "max_tokens"),
        Case(body: "{\(chat), \"n\": 2}", param: "n"),
        Case(body: "{\(chat), \"temperature\": 3}", param: "temperature"),
        Case(body: "{\(chat), \"temperature\": \"hot\"}", param: "temperature", mentioning: "a number"),
        Case(body: "{\(chat), \"top_p\": 0}", param: "top_p"),
        Case(body: "{\(chat), \"top_k\": -1}", param: "top_k"),
        Case(body: "{\(chat), \"min_p\": 1}", param: "min_p"),
        Case(body: "{\(chat), \"repeat_penalty\": 0}", param: "repeat_penalty"),
        Case(body: "{\(chat), \"frequency_penalty\": 2.5}", param: "frequency_penalty"),
        Case(body: "{\(chat), \"presence_penalty\": -3}", param: "presence_penalty"),
        Case(body: "{\(chat), \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", param: "stop"),
        Case(body: "{\(chat), \"stop\": [\"a\", \"\"]}", param: "stop[1]"),
        Case(body: "{\(chat), \"stop\": 3}", param: "stop"),
        Case(body: "{\(chat), \"seed\": \"x\"}", param: "seed"),
        Case(body: "{\(chat), \"stream\": \"yes\"}", param: "stream"),
        Case(body: "{\(chat), \"logprobs\": 3}", param: "logprobs"),
        Case(body: "{\(chat), \"logprobs\": true, \"top_logprobs\": 21}", param: "top_logprobs"),
        Case(body: "{\(chat), \"top_logprobs\": 2}", param: "top_logprobs", mentioning: "logprobs"),
        Case(body: "{\(chat), \"logit_bias\": {\"5\": 1}}", param: "logit_bias"),
        Case(body: "{\(chat), \"steering\": [{\"vector\": \"sad\"}]}", param: "steering[0].vector", mentioning: "sad"),
        Case(body: "{\(chat), \"steering\": [{\"vector\": \"happy\", \"strength\": 1e39}]}", param: "steering[0].strength", mentioning: "finite"),
        Case(body: "{\(chat), \"steering\": [{\"vector\": \"happy\", \"strength\": \"big\"}]}", param: "steering[0].strength"),
        Case(body: "{\(chat), \"steering\": [{\"vector\": \"happy\"}, {\"strength\": 1}]}", param: "steering[1]"),
        Case(body: "{\(chat), \"steering\": [{\"spec\": [1]}]}", param: "steering[0].spec"),
        Case(body: "{\(chat), \"steering\": {\"vector\": \"happy\"}}", param: "steering"),
        Case(route: "/v1/completions", body: #"{"prompt": 5}"#, param: "prompt"),
        Case(route: "/v1/completions", body: #"{"prompt": ["a", "b"]}"#, param: "prompt", mentioning: "one string"),
        Case(route: "/v1/completions", body: #"{"prompt": [1, 999]}"#, param: "prompt[1]", mentioning: "999"),
        Case(route: "/v1/completions", body: #"{"prompt": ""}"#, param: "prompt", mentioning: "empty"),
        Case(route: "/v1/completions", body: "{\"prompt\": \"\(longPrompt)\"}", param: "prompt", mentioning: "context"),
        Case(route: "/v1/completions", body: #"{"prompt": "a", "logprobs": 21}"#, param: "logprobs"),
        Case(route: "/v1/completions", body: #"{"prompt": "a", "logprobs": true}"#, param: "logprobs"),
        Case(route: "/v1/completions", body: #"{"prompt": "a", "echo": true}"#, param: "echo"),
        Case(route: "/v1/completions", body: #"{"prompt": "a", "best_of": 3}"#, param: "best_of"),
        Case(route: "/v1/completions", body: #"{"prompt": "a", "n": 2}"#, param: "n"),
    ]

    @Test(arguments: cases) func refusedNamingTheField(_ bad: Case) async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        let response = try await withServer(engine) { client in try await client.post(bad.route, bad.body) }
        try response.expectError(.badRequest, param: bad.param, mentioning: bad.mentioning)
        #expect(engine.record.submitted.isEmpty)
    }

    @Test func promptThatJustFitsIsAccepted() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        let response = try await withServer(engine) { client in
            try await client.post("/v1/completions", "{\"prompt\": \"\(String(repeating: "x", count: 63))\"}")
        }
        #expect(response.status == .ok && engine.record.submitted.first?.prompt.count == 63)
    }

    @Test func engineRefusalNamesItsField() async throws {
        let engine = ScriptedEngine(rejection: .invalid(field: "steering", message: "too many vectors")) { _ in .events([]) }
        let response = try await withServer(engine) { client in try await client.post("/v1/completions", #"{"prompt": "a"}"#) }
        try response.expectError(.badRequest, param: "steering", mentioning: "too many vectors")
    }

    @Test func bodyOverTheLimitIsRefused() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["x"])) }
        var configuration = ServerConfiguration(port: 0)
        configuration.maxBodyBytes = 100
        try await withServer(engine, configuration: configuration) { client in
            let big = "{\"prompt\": \"\(String(repeating: "y", count: 200))\"}"
            try await client.post("/v1/completions", big).expectError(.badRequest, param: nil, mentioning: "limit of 100 bytes")
            // Under the limit the same route works.
            let response1 = try await client.post("/v1/completions", #"{"prompt": "a"}"#)
            #expect(response1.status == .ok, "\(response1.text)")
        }
        #expect(engine.record.submitted.count == 1)
    }
}
