import Kernels
import Llama
import Steering
import Testing
import TestSupport

extension SteeringModelTests {
    /// Steering at 1e30 overflows the residual: the generator's logits check catches it, on the prefill and on the
    /// recorded decode step, and reports it as a typed `DegenerateOutput` (or, with `.stop`, as a marked result).
    @Suite struct DegenerateSteering {
        static var prompt: [Int32] { get throws { try SteeringModelFixture.tokenizer.encode("The weather today is", addBOS: false).ids } }

        static func steering<B: ComputeBackend>(_ model: LlamaModel<B>, positions: PositionPolicy) throws
            -> ForwardSteering<B.Buffer>
        {
            let sequence = try SequenceSteering.additive([(try SteeringModelFixture.happy, 1e30)], positions: positions,
                                                         span: SequenceSpan(promptLength: try prompt.count))
            var forward = try BatchSteering(model: model, sequences: [sequence]).forward
            forward.summary = "happy at strength 1e30"
            return forward
        }

        static func generate<B: ComputeBackend>(_ model: LlamaModel<B>, positions: PositionPolicy,
                                                 policy: DegeneratePolicy) throws -> GenerationResult {
            try Generator(model: model).generate(
                prompt: try prompt, maxTokens: 4, sampling: SamplerSettings(temperature: 0), stopTokens: [], ignoreEOS: true,
                steering: try steering(model, positions: positions), onDegenerate: policy)
        }

        static func expectThrowsNamingBlock1<B: ComputeBackend>(_ model: LlamaModel<B>) throws {
            // Steering every position breaks the prefill: no token comes out.
            let atPrefill = try #require(throws: DegenerateOutput.self) {
                try generate(model, positions: .all, policy: .fail)
            }
            #expect(atPrefill.block == 1 && atPrefill.firstBadSite?.site == .residPost && atPrefill.tokensBefore.isEmpty)
            let logits = try #require(atPrefill.logits)
            #expect(logits.isDegenerate && logits.nonFinite == 0 && logits.maximum == 0 && logits.minimum == 0)
            #expect(atPrefill.description.hasPrefix("steering happy at strength 1e30 broke the forward pass at block 1"))
            // Steering only generated tokens: the prefill gives one sound token, then the decode step breaks.
            let atDecode = try #require(throws: DegenerateOutput.self) {
                try generate(model, positions: .generated, policy: .fail)
            }
            #expect(atDecode.block == 1 && atDecode.tokensBefore.count == 1)
        }

        @Test func cpuThrowsATypedErrorNamingTheBlock() throws {
            try Self.expectThrowsNamingBlock1(SteeringModelFixture.cpu)
        }

        @Test(.enabled(if: SteeringModelFixture.vulkanEnabled), .exclusiveVulkan)
        func vulkanThrowsATypedErrorNamingTheBlock() throws {
            try Self.expectThrowsNamingBlock1(SteeringModelFixture.vulkan)
        }

        /// A sweep that goes into collapse on purpose marks the result instead of failing.
        @Test func stopPolicyMarksTheResult() throws {
            let result = try Self.generate(SteeringModelFixture.cpu, positions: .generated, policy: .stop)
            #expect(result.stopReason == "degenerate" && result.tokens.count == 1)
            #expect(result.degenerate?.block == 1)
            let plain = try Generator(model: SteeringModelFixture.cpu).generate(
                prompt: Self.prompt, maxTokens: 1, sampling: SamplerSettings(temperature: 0), stopTokens: [])
            #expect(result.tokens == plain.tokens, "the token before the breakdown is the unsteered one")
        }
    }
}

/// The strength warning's arithmetic, on vectors built in memory.
@Suite struct SteeringStrengthCheckTests {
    static func vector(norms: [Int: Float] = [:]) throws -> SteeringVector {
        // direction.N has norm 2 (a 3-4-0 triangle scaled by 0.4).
        try SteeringVector(directions: [2: [1.2, 1.6, 0], 3: [0, 1.2, 1.6]],
                           info: VectorInfo(layerNorms: norms), name: "v.gguf")
    }

    @Test func warnsAboveTenTimesTheFilesNorms() throws {
        let v = try Self.vector(norms: [2: 1, 3: 10])
        #expect(SteeringStrengthCheck.warnings([(v, 4)], layers: nil).isEmpty)   // 8 vs 1: under 10×
        let warnings = SteeringStrengthCheck.warnings([(v, -6)], layers: nil)    // 12 vs 1 and 12 vs 10
        #expect(warnings == ["v.gguf at strength -6.0 adds a vector of norm 12 at block 2, 12× the residual norm there "
                             + "(1, the file's veer.layer_norms); 1 block over 10×: the model's own activations are drowned out"])
        #expect(SteeringStrengthCheck.warnings([(v, -6)], layers: LayerSelection(list: [3])).isEmpty)
        #expect(!SteeringStrengthCheck.needsMeasurement([(v, Float(6))]))
    }

    @Test func filesWithoutNormsUseTheMeasuredOnes() throws {
        let v = try Self.vector()
        #expect(SteeringStrengthCheck.needsMeasurement([(v, Float(6))]))
        #expect(SteeringStrengthCheck.warnings([(v, 600)], layers: nil).isEmpty)   // nothing to judge by
        let warnings = SteeringStrengthCheck.warnings([(v, 600)], layers: nil, measuredNorms: [2: 100, 3: 10])
        #expect(warnings.count == 1 && warnings[0].contains("at block 3, 120× the residual norm there (10, measured on this prompt); 2 blocks over 10×"))
    }
}
