import Kernels
import Llama
import Steering
import Testing
import TestSupport

extension SteeringModelTests {
    /// Generating several sequences at once changes no token: each sequence, with its own prompt, sampler settings,
    /// seed and steering, gets exactly what `Generator` gives it alone; sequences drop out at different steps, and
    /// more requests than slots run in waves.
    @Suite("Batched generation") struct BatchGeneratorTests {
        /// A request and how it is steered: the happy control vector at `strength` on `positions` (nil: unsteered).
        struct Case {
            var text: String
            var maxTokens: Int
            var sampling: SamplerSettings
            var strength: Float?
            var positions: PositionPolicy = .all
            var stopTokens: Set<Int32> = []
        }

        static let sampled = SamplerSettings(temperature: 0.9, topK: 50, topP: 0.95, minP: 0, seed: 11)

        /// Seven requests (more than the six slots): greedy and sampled, steered and not, different lengths.
        static var cases: [Case] {
            var penalized = sampled; penalized.repetitionPenalty = 1.3; penalized.seed = 5
            var otherSeed = sampled; otherSeed.seed = 12
            return [
                Case(text: "The weather today is", maxTokens: 12, sampling: SamplerSettings(temperature: 0)),
                Case(text: "Once upon a time", maxTokens: 7, sampling: sampled),
                Case(text: "My favourite food", maxTokens: 12, sampling: SamplerSettings(temperature: 0), strength: 4),
                Case(text: "I think that", maxTokens: 10, sampling: otherSeed, strength: -4, positions: .generated),
                Case(text: "Write one sentence about dogs.", maxTokens: 12, sampling: penalized, strength: 2),
                Case(text: "Hello", maxTokens: 3, sampling: sampled, strength: 4),
                Case(text: "The capital of France is", maxTokens: 9, sampling: sampled),
            ]
        }

        static func requests(_ cases: [Case]) throws -> [GenerationRequest] {
            try cases.map { c in
                GenerationRequest(prompt: try SteeringModelFixture.tokenizer.encode(c.text, addBOS: false).ids,
                                  maxTokens: c.maxTokens, sampling: c.sampling, stopTokens: c.stopTokens)
            }
        }

        static func sequences(_ cases: [Case], _ requests: [GenerationRequest]) throws -> [SequenceSteering?] {
            try zip(cases, requests).map { c, request in
                guard let strength = c.strength else { return nil }
                return try SequenceSteering.additive([(try SteeringModelFixture.happy, strength)], positions: c.positions,
                                                     span: SequenceSpan(promptLength: request.prompt.count))
            }
        }

        /// Each request alone through `Generator`, in slot 0.
        static func alone<B: ComputeBackend>(_ model: LlamaModel<B>, _ requests: [GenerationRequest],
                                              _ sequences: [SequenceSteering?]) throws -> [GenerationResult] {
            let generator = try Generator(model: model)
            return try zip(requests, sequences).map { request, sequence in
                let steering = try sequence.map { try BatchSteering(model: model, sequences: [$0]).forward }
                return try generator.generate(prompt: request.prompt, maxTokens: request.maxTokens, sampling: request.sampling,
                                              stopTokens: request.stopTokens, steering: steering, onDegenerate: .stop)
            }
        }

        static func expectSame(_ batched: [GenerationResult], _ alone: [GenerationResult]) {
            #expect(batched.count == alone.count)
            for (i, (b, a)) in zip(batched, alone).enumerated() {
                #expect(b.tokens == a.tokens, "request \(i): batched \(b.tokens) alone \(a.tokens)")
                #expect(b.stopReason == a.stopReason, "request \(i)")
                #expect(b.promptTokens == a.promptTokens)
            }
        }

        @Test func cpuBatchEqualsEachSequenceAlone() throws {
            let model = try SteeringModelFixture.cpu
            let cases = Self.cases
            let requests = try Self.requests(cases)
            let sequences = try Self.sequences(cases, requests)
            let batched = try BatchGenerator(model: model).generate(requests, sequences: sequences)
            let alone = try Self.alone(model, requests, sequences)
            Self.expectSame(batched, alone)
            #expect(Set(batched.map(\.tokens.count)) == [12, 7, 10, 3, 9], "sequences end at different steps")
            // The steering acts: the greedy steered request differs from the same request unsteered.
            let plain = try BatchGenerator(model: model).generate([requests[2]])
            #expect(plain[0].tokens != batched[2].tokens)
        }

        /// A stop token ends only its own sequence (kept in its output), and `onToken` can stop one sequence.
        @Test func stopTokensAndCallerStopsEndOneSequence() throws {
            let model = try SteeringModelFixture.cpu
            var cases = Array(Self.cases.prefix(3))
            let greedyFirst = try BatchGenerator(model: model).generate(try Self.requests([cases[0]]))[0].tokens
            cases[0].stopTokens = [greedyFirst[3]]
            let requests = try Self.requests(cases)
            let sequences = try Self.sequences(cases, requests)
            var seen: [Int: Int] = [:]
            let batched = try BatchGenerator(model: model).generate(requests, sequences: sequences) { i, _ in
                seen[i, default: 0] += 1
                return !(i == 1 && seen[i] == 2)
            }
            let firstStop = greedyFirst.firstIndex(of: greedyFirst[3])!
            #expect(batched[0].stopReason == "eog" && batched[0].tokens == Array(greedyFirst.prefix(firstStop + 1)))
            #expect(batched[1].stopReason == "stop" && batched[1].tokens.count == 2)
            #expect(batched[2].stopReason == "max_tokens" && batched[2].tokens.count == 12)
            Self.expectSame([batched[2]], try Self.alone(model, [requests[2]], [sequences[2]]))
        }

        /// Steering at 1e30 on generated positions breaks one sequence after its first token: it ends "degenerate"
        /// with the diagnosis, its broken token never emitted, while the others finish as they would alone.
        @Test func degenerateSequenceEndsAloneAndOthersGoOn() throws {
            let model = try SteeringModelFixture.cpu
            var cases = Array(Self.cases.prefix(3))
            cases[1].strength = 1e30
            cases[1].positions = .generated
            let requests = try Self.requests(cases)
            let sequences = try Self.sequences(cases, requests)
            let batched = try BatchGenerator(model: model).generate(requests, sequences: sequences)
            #expect(batched[1].stopReason == "degenerate" && batched[1].tokens.count == 1)
            #expect(batched[1].degenerate?.block == 1 && batched[1].degenerate?.tokensBefore == batched[1].tokens)
            Self.expectSame(batched, try Self.alone(model, requests, sequences))
        }

        @Test func badRequestsAreRefusedBeforeAnyWork() throws {
            let generator = try BatchGenerator(model: try SteeringModelFixture.cpu)
            let good = GenerationRequest(prompt: [1, 2], maxTokens: 2, sampling: SamplerSettings(temperature: 0), stopTokens: [])
            var empty = good; empty.prompt = []
            #expect(throws: ModelError.self) { try generator.generate([good, empty]) }
            var badTopP = good; badTopP.sampling.topP = 0
            let error = try #require(throws: ModelError.self) { try generator.generate([badTopP]) }
            #expect("\(error)".contains("request 0") && "\(error)".contains("top-p"))
            #expect(throws: ModelError.self) { try generator.generate([good], sequences: []) }
        }

        @Test(.enabled(if: SteeringModelFixture.vulkanEnabled), .exclusiveVulkan)
        func vulkanBatchEqualsEachSequenceAlone() throws {
            let model = try SteeringModelFixture.vulkan
            // Four requests on three slots: two waves.
            var cases = Array(Self.cases.prefix(4))
            for i in cases.indices { cases[i].maxTokens = min(cases[i].maxTokens, 5) }
            cases[3].maxTokens = 3
            let requests = try Self.requests(cases)
            let sequences = try Self.sequences(cases, requests)
            let batched = try BatchGenerator(model: model).generate(requests, sequences: sequences)
            Self.expectSame(batched, try Self.alone(model, requests, sequences))
        }
    }
}
