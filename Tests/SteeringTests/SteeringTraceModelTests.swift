import Foundation
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import Testing
import TestSupport

/// The ‖resid_post[l]‖ of every row of a pass at the layers asked for (f64 sums).
final class ResidualNorms: ActivationObserver {
    let layers: Set<Int>
    private(set) var norms: [Int: [Double]] = [:]
    init(layers: Set<Int>) { self.layers = layers }

    func wants(_ site: HookSite, layer: Int) -> Bool { site == .residPost && layers.contains(layer) }

    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int, backend: B) throws {
        let values: [Float] = try backend.read(buffer, count: rows * width)
        norms[layer] = (0..<rows).map { r in
            values[r * width ..< (r + 1) * width].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
    }
}

enum TraceChecks {
    /// A generation steered additively (happy vector at strength 2, blocks 10-12, positions from 3 on) with a trace:
    /// one row per steered position and block, prefill and every decode step (the last token is never fed back),
    /// in position then block order; nothing rotated; each norm the steered ‖resid_post‖ a teacher-forced pass of the
    /// same tokens observes; and the tokens those of the same generation without a trace.
    static func additiveGeneration<B: ComputeBackend>(_ model: LlamaModel<B>, steps: Int) throws {
        let prompt = try SteeringReference.tokens("P1")
        let blocks = [10, 11, 12]
        let sequence = try SequenceSteering.additive([(SteeringModelFixture.happy, 2)],
                                                     layers: LayerSelection(range: 10...12), positions: .from(3),
                                                     span: SequenceSpan(promptLength: prompt.count))
        func generate(trace: SteeringTrace?) throws -> [Int32] {
            let steering = try BatchSteering(model: model, sequences: [sequence], trace: trace)
            return try Generator(model: model).generate(prompt: prompt, maxTokens: steps, sampling: SamplerSettings(temperature: 0),
                                                        stopTokens: [], ignoreEOS: true, steering: steering.forward).tokens
        }
        let trace = SteeringTrace()
        let tokens = try generate(trace: trace)
        #expect(try generate(trace: nil) == tokens, "a trace must not change what is generated")

        let fed = prompt + tokens.dropLast()
        let positions = Array(3..<fed.count)
        #expect(trace.rows.map(\.position) == positions.flatMap { p in blocks.map { _ in p } })
        #expect(trace.rows.map(\.block) == positions.flatMap { _ in blocks })
        #expect(trace.rows.allSatisfy { $0.sequence == 0 && $0.t == 0 && !$0.rotated && $0.cos == nil && $0.normBefore == $0.normAfter })

        let observer = ResidualNorms(layers: Set(blocks))
        let forced = try BatchSteering(model: model, sequences: [sequence])
        try model.forward(ForwardBatch.prefill(fed), steering: forced.forward, observer: observer)
        for row in trace.rows {
            let expected = observer.norms[row.block]![row.position]
            #expect(abs(Double(row.normAfter) - expected) <= 1e-5 * expected,
                    "position \(row.position), block \(row.block): trace norm \(row.normAfter), observed \(expected)")
        }
    }
}

extension TraceChecks {
    /// A Spherical configuration of steering-reference.json in one prompt pass: the trace has one row per prompt
    /// position at the configuration's block, and its cos, t, rotated and (at the last position) norms match the
    /// reference's diagnostics within its stated tolerances. rotated may differ only where the gate sits at its
    /// threshold (both t below the t tolerance).
    static func sphericalDiagnostics<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, prompt: String,
                                                        backend: String) throws {
        let config = try SteeringReference.config(id)
        let golden = try #require(try config.result(prompt).spherical, "\(id) \(prompt): no spherical diagnostics")
        let reference = golden.all_prompt_positions
        let tokens = try SteeringReference.tokens(prompt)
        let block = try #require(config.params.layer)
        let edits = try SteeredChecks.referenceEdits(config, headsWidth: model.config.qWidth)
        let trace = SteeringTrace()
        let steering = try BatchSteering(model: model, sequences: [SequenceSteering(edits: edits, span: SequenceSpan(promptLength: tokens.count))],
                                         trace: trace)
        try model.forward(.prefill(tokens), steering: steering.forward)

        let context = "\(id) \(prompt) [\(backend)]"
        #expect(trace.rows.map(\.position) == Array(0..<tokens.count), "\(context)")
        #expect(trace.rows.allSatisfy { $0.block == block && $0.sequence == 0 }, "\(context)")
        var worstCos = 0.0, worstT = 0.0
        for (p, row) in trace.rows.enumerated() where p < reference.cos.count {
            let cos = try #require(row.cos, "\(context): position \(p) has no cos")
            worstCos = max(worstCos, abs(Double(cos) - reference.cos[p]))
            worstT = max(worstT, abs(Double(row.t) - reference.t[p]))
            if row.rotated != reference.rotated[p] {
                #expect(max(Double(row.t), reference.t[p]) < ModelTolerance.sphericalT,
                        "\(context): position \(p) rotated \(row.rotated) at t \(row.t), reference \(reference.rotated[p]) at t \(reference.t[p])")
            }
        }
        #expect(worstCos <= ModelTolerance.sphericalCosine, "\(context): max |cos - reference| = \(worstCos)")
        #expect(worstT <= ModelTolerance.sphericalT, "\(context): max |t - reference| = \(worstT)")
        let last = try #require(trace.rows.last), lastReference = golden.last_prompt_position
        let before = abs(Double(last.normBefore) - lastReference.norm_before) / lastReference.norm_before
        let after = abs(Double(last.normAfter) - lastReference.norm_after) / lastReference.norm_after
        #expect(max(before, after) <= ModelTolerance.sphericalNormRelative, "\(context): norms off by \(before), \(after) (relative)")
        print("[\(backend)] trace \(id) \(prompt): max |cos - reference| \(worstCos), max |t - reference| \(worstT), "
              + "norms \(before), \(after) relative; \(trace.rows.filter(\.rotated).count) of \(trace.rows.count) rotated")
    }

    /// A generation with a Spherical configuration traces, at every step (prefill, then each replay of the recorded
    /// decode step), exactly what one teacher-forced pass over the same tokens traces: the decode step's trace
    /// buffers are rewritten and read at every token. Some rows must rotate, for the check to mean something.
    static func sphericalGeneration<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, steps: Int) throws {
        let prompt = try SteeringReference.tokens("P1")
        let edits = try SteeredChecks.referenceEdits(try SteeringReference.config(id), headsWidth: model.config.qWidth)
        let sequence = SequenceSteering(edits: edits, span: SequenceSpan(promptLength: prompt.count))
        let generated = SteeringTrace()
        let steering = try BatchSteering(model: model, sequences: [sequence], trace: generated)
        let tokens = try Generator(model: model).generate(prompt: prompt, maxTokens: steps, sampling: SamplerSettings(temperature: 0),
                                                          stopTokens: [], ignoreEOS: true, steering: steering.forward).tokens
        let forced = SteeringTrace()
        try model.forward(.prefill(prompt + tokens.dropLast()),
                          steering: try BatchSteering(model: model, sequences: [sequence], trace: forced).forward)
        #expect(generated.rows.count == prompt.count + steps - 1)
        #expect(generated.rows == forced.rows, "\(id): the generation's trace differs from the teacher-forced pass's")
        #expect(generated.rows.dropFirst(prompt.count).contains { $0.rotated }, "\(id): no decode step rotated")
    }

    /// A generation that breaks down at its first decode step (happy vector at 1e30 on generated positions) and
    /// stops there (`.stop`): the trace has that step's rows once per block (the diagnosing re-run adds none), and
    /// they can still be written.
    static func brokenGeneration<B: ComputeBackend>(_ model: LlamaModel<B>) throws {
        let prompt = try SteeringReference.tokens("P1")
        let happy = try SteeringModelFixture.happy
        let sequence = try SequenceSteering.additive([(happy, 1e30)], positions: .generated,
                                                     span: SequenceSpan(promptLength: prompt.count))
        let trace = SteeringTrace()
        let steering = try BatchSteering(model: model, sequences: [sequence], trace: trace)
        let result = try Generator(model: model).generate(prompt: prompt, maxTokens: 4, sampling: SamplerSettings(temperature: 0),
                                                          stopTokens: [], ignoreEOS: true, steering: steering.forward,
                                                          onDegenerate: .stop)
        #expect(result.stopReason == "degenerate" && result.tokens.count == 1)
        #expect(trace.rows.map(\.block) == happy.blocks)
        #expect(trace.rows.allSatisfy { $0.position == prompt.count })
        #expect(try !trace.jsonLines().isEmpty)
    }

    static let sphericalConfigurations = ["spherical_l15_k20_a0.6_b-0.05", "spherical_l10_k20_a1.0_b-1.0",
                                          "spherical_l15_ungated_t0.5"]
}

extension SteeringModelTests {
    @Suite("Steering trace on the CPU backend", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUSteeringTraceTests {
        @Test func additiveGeneration() throws { try TraceChecks.additiveGeneration(SteeringModelFixture.cpu, steps: 6) }

        @Test func sphericalGeneration() throws {
            try TraceChecks.sphericalGeneration(SteeringModelFixture.cpu, "spherical_l15_k20_a0.6_b-0.05", steps: 8)
        }

        @Test func brokenGeneration() throws { try TraceChecks.brokenGeneration(SteeringModelFixture.cpu) }

        @Test(arguments: TraceChecks.sphericalConfigurations, ["P1", "P6"])
        func sphericalDiagnostics(_ id: String, _ prompt: String) throws {
            try TraceChecks.sphericalDiagnostics(SteeringModelFixture.cpu, id, prompt: prompt, backend: "cpu")
        }
    }

    @Suite("Steering trace on the Vulkan backend", .enabled(if: SteeringModelFixture.vulkanEnabled), .serialized,
           .exclusiveVulkan)
    struct VulkanSteeringTraceTests {
        @Test func additiveGeneration() throws {
            try TraceChecks.additiveGeneration(SteeringModelFixture.vulkan, steps: 3)
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }

        @Test func sphericalGeneration() throws {
            try TraceChecks.sphericalGeneration(SteeringModelFixture.vulkan, "spherical_l15_k20_a0.6_b-0.05", steps: 8)
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }

        @Test(arguments: TraceChecks.sphericalConfigurations)
        func sphericalDiagnostics(_ id: String) throws {
            try TraceChecks.sphericalDiagnostics(SteeringModelFixture.vulkan, id, prompt: "P1", backend: "vulkan")
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }
    }
}
