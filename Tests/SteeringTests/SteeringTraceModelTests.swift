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

extension SteeringModelTests {
    @Suite("Steering trace on the CPU backend", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUSteeringTraceTests {
        @Test func additiveGeneration() throws { try TraceChecks.additiveGeneration(SteeringModelFixture.cpu, steps: 6) }
    }

    @Suite("Steering trace on the Vulkan backend", .enabled(if: SteeringModelFixture.vulkanEnabled), .serialized)
    struct VulkanSteeringTraceTests {
        @Test func additiveGeneration() throws {
            try TraceChecks.additiveGeneration(SteeringModelFixture.vulkan, steps: 3)
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }
    }
}
