import Foundation
import Kernels
import KernelsCPU
import Llama
import Serving
import Steering
import Testing
import TestSupport

@Suite("Serving engine on the default model (release builds)", .enabled(if: ModelFixture.enabled), .serialized)
struct BatchEngineTests {
    /// Eight requests with mixed steering (none, the happy vector at two strengths, AUSteer-style unit scaling) and
    /// prompt lengths from 2 to ~40 tokens, greedy and sampled: each gets exactly the tokens it gets alone.
    static func mixedRequests() throws -> [CompletionRequest] {
        let long = String(repeating: "The committee met again to discuss the budget for the coming year. ", count: 4)
        let sampled = SamplerSettings(temperature: 0.9, topK: 40, topP: 0.95, minP: 0, seed: 3)
        var penalized = SamplerSettings(temperature: 0, frequencyPenalty: 0.8, presencePenalty: 0.4)
        penalized.seed = 1
        var units = try EngineFixture.request("My favourite animal is", maxTokens: 10)
        units.steering = SequenceSteering(
            edits: [SiteKey(block: 12, site: .residPost): SiteEdit(units: [(index: 7, coefficient: 1), (index: 300, coefficient: -1)], unitAlpha: 20)],
            span: SequenceSpan(promptLength: units.prompt.count))
        return [
            try EngineFixture.request("Hello", maxTokens: 12),
            try EngineFixture.request("The weather today is", maxTokens: 14, strength: 4),
            try EngineFixture.request("The weather today is", maxTokens: 14, strength: -6),
            try EngineFixture.request(long, maxTokens: 9),
            units,
            try EngineFixture.request("Once upon a time", maxTokens: 11, sampling: sampled, strength: 2),
            try EngineFixture.request("Write a list of fruits:", maxTokens: 13, sampling: penalized),
            try EngineFixture.request(long + "In the end", maxTokens: 8, strength: 3),
        ]
    }

    static func checkInvariance(_ engine: some CompletionEngine) async throws {
        let requests = try mixedRequests()
        let together = try await EngineFixture.runTogether(engine, requests)
        for (i, request) in requests.enumerated() {
            let alone = await EngineFixture.collect(try engine.submit(request))
            #expect(together[i].tokens == alone.tokens, "request \(i): batched \(together[i].tokens) alone \(alone.tokens)")
            #expect(together[i].summary?.finishReason == alone.summary?.finishReason)
            #expect(!alone.tokens.isEmpty)
        }
        // The steered requests differ from the unsteered one on the same prompt (the steering took effect).
        #expect(together[1].tokens != together[2].tokens)
    }

    @Test func batchedRequestsGetTheirTokensAloneOnCPU() async throws {
        let engine = try EngineFixture.cpuEngine()
        defer { engine.shutdown() }
        try await Self.checkInvariance(engine)
    }

    @Test(.enabled(if: EngineFixture.vulkanEnabled), .exclusiveVulkan) func batchedRequestsGetTheirTokensAloneOnVulkan() async throws {
        let engine = try EngineFixture.vulkanEngine()
        defer { engine.shutdown() }
        try await Self.checkInvariance(engine)
    }

    /// The engine's greedy tokens are `Generator`'s (the reference single-sequence loop).
    @Test func greedyTokensMatchGenerator() async throws {
        let request = try EngineFixture.request("The capital of France is", maxTokens: 12)
        let model = try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 1, contextSize: 128, maxRows: 64)
        let expected = try Generator(model: model).generate(prompt: request.prompt, maxTokens: 12, sampling: request.sampling,
                                                            stopTokens: try EngineFixture.tokenizer.vocabulary.endOfGeneration)
        let engine = try EngineFixture.cpuEngine(slots: 2)
        defer { engine.shutdown() }
        let outcome = await EngineFixture.collect(try engine.submit(request))
        let eog = try EngineFixture.tokenizer.vocabulary.endOfGeneration
        // The engine does not send the end-of-generation token as a token; Generator keeps it.
        #expect(outcome.tokens == expected.tokens.filter { !eog.contains($0) })
        #expect(outcome.summary?.completionTokens == expected.tokens.count)
        #expect(outcome.text == (try EngineFixture.tokenizer.decode(outcome.tokens)))
    }

    /// Log-probabilities equal a log-softmax of the logits computed directly, and the alternatives are the top ones.
    @Test func logprobsMatchTheLogits() async throws {
        let request = try EngineFixture.request("The capital of France is", maxTokens: 2, logprobs: 5)
        let model = try LlamaModel(source: ModelFixture.file, backend: CPUBackend(), slots: 1, contextSize: 128, maxRows: 64)
        try model.forward(.prefill(request.prompt))
        let logits = try model.readLogits(rows: 1)[0].map(Double.init)
        let top = logits.max()!
        let lse = top + log(logits.reduce(0) { $0 + exp($1 - top) })
        let engine = try EngineFixture.cpuEngine(slots: 2)
        defer { engine.shutdown() }
        let first = try #require(await EngineFixture.collect(try engine.submit(request)).events.first)
        let expected = logits[Int(first.id)] - lse
        #expect(abs(Double(first.logprob!) - expected) < 1e-4, "logprob \(first.logprob!) vs \(expected)")
        #expect(first.topLogprobs.count == 5)
        #expect(first.topLogprobs[0].id == first.id)  // greedy: the top alternative is the token
        #expect(zip(first.topLogprobs, first.topLogprobs.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
        let sorted = logits.indices.sorted { logits[$0] > logits[$1] }
        #expect(first.topLogprobs.map { Int($0.id) } == Array(sorted.prefix(5)))
    }

    @Test func stopStringsAndLengthEndRequests() async throws {
        let engine = try EngineFixture.cpuEngine(slots: 2)
        defer { engine.shutdown() }
        let free = await EngineFixture.collect(try engine.submit(try EngineFixture.request("Count: 1, 2, 3,", maxTokens: 12)))
        #expect(free.summary?.finishReason == .length)
        #expect(free.summary?.completionTokens == 12)
        // Stop at the first comma the model writes: the text ends before it.
        let stopped = await EngineFixture.collect(try engine.submit(try EngineFixture.request("Count: 1, 2, 3,", maxTokens: 12, stop: [","])))
        #expect(stopped.summary?.finishReason == .stop)
        #expect(!stopped.text.contains(","))
        #expect(free.text.hasPrefix(stopped.text))
        #expect(free.text.contains(","))
    }

    /// A client that goes away frees its slot within one decode step; the other request is unaffected.
    @Test func cancelledStreamFreesItsSlot() async throws {
        let engine = try EngineFixture.cpuEngine(slots: 2)
        defer { engine.shutdown() }
        let keep = try engine.submit(try EngineFixture.request("Hello", maxTokens: 40))
        let task = Task {
            var seen = 0
            for await event in try engine.submit(try EngineFixture.request("Once upon a time", maxTokens: 400)) {
                if case .token = event { seen += 1 }
                if seen == 3 { break }   // leaves the stream: the request is cancelled
            }
        }
        _ = try await task.value
        // Counted by the engine itself (a poller here can be starved of CPU while the engine steps on).
        for _ in 0..<2000 where engine.snapshot().active > 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(engine.snapshot().active <= 1, "the cancelled request kept its slot")
        let steps = try #require(engine.snapshot().lastCancellationSteps)
        #expect(steps <= 1, "freed after \(steps) steps")
        let kept = await EngineFixture.collect(keep)
        #expect(kept.summary?.finishReason != .cancelled)
    }

    /// A full queue is refused with a retry hint; draining refuses new requests, lets running ones finish, and
    /// cancelAll ends what is left with `.shutdown`.
    @Test func queueLimitDrainAndCancelAll() async throws {
        let engine = try EngineFixture.cpuEngine(slots: 1, queue: 1)
        defer { engine.shutdown() }
        let first = try engine.submit(try EngineFixture.request("Hello", maxTokens: 30))
        let second = try engine.submit(try EngineFixture.request("Hi", maxTokens: 30))
        var refusal: EngineRejection?
        for _ in 0..<3 {
            do { _ = try engine.submit(try EngineFixture.request("Hey", maxTokens: 30)) } catch { refusal = error as? EngineRejection; break }
        }
        guard case .queueFull(let retry) = refusal else { Issue.record("expected queueFull, got \(String(describing: refusal))"); return }
        #expect(retry >= 1)
        engine.beginDrain()
        #expect(throws: EngineRejection.draining) { _ = try engine.submit(try EngineFixture.request("Hey", maxTokens: 3)) }
        let firstDone = await EngineFixture.collect(first)
        #expect(firstDone.summary?.finishReason == .length)
        engine.cancelAll(detail: "test shutdown")
        let secondDone = await EngineFixture.collect(second)
        #expect(secondDone.summary?.finishReason == .shutdown || secondDone.summary?.finishReason == .length)
        #expect(await engine.waitUntilIdle(timeout: 5))
    }

    @Test func invalidRequestsNameTheirField() throws {
        let engine = try EngineFixture.cpuEngine(slots: 1, context: 64)
        defer { engine.shutdown() }
        var tooLong = try EngineFixture.request("Hello", maxTokens: 4)
        tooLong.prompt = [Int32](repeating: 100, count: 64)
        #expect(throws: EngineRejection.invalid(field: "prompt", message: "the prompt has 64 tokens but a context slot holds 64, and at least one token must be generated")) {
            _ = try engine.submit(tooLong)
        }
        let tooMany = try EngineFixture.request("Hello", maxTokens: 513)
        #expect(throws: EngineRejection.invalid(field: "max_tokens", message: "513 is outside 1...512")) { _ = try engine.submit(tooMany) }
        var badToken = try EngineFixture.request("Hello", maxTokens: 4)
        badToken.prompt = [1, 999_999]
        #expect(throws: EngineRejection.invalid(field: "prompt", message: "token id 999999 is outside the vocabulary 0..<49152")) {
            _ = try engine.submit(badToken)
        }
    }
}
