import Foundation
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import Testing
import TestSupport

/// What steering must leave alone and how it composes, checked bit for bit on whole-model logits.
enum SemanticsChecks {
    /// Whether two logit sets are bit-identical, reported as a count of differing rows (never the arrays: a failed
    /// comparison of 49,152-float rows would print megabytes).
    static func differingRows(_ a: [[Float]], _ b: [[Float]]) -> Int {
        a.count != b.count ? max(a.count, b.count) : zip(a, b).filter { $0 != $1 }.count
    }

    static var prompt: [Int32] { get throws { try SteeringReference.tokens("P1") } }
    static var other: [Int32] { get throws { try SteeringReference.tokens("P6") } }

    static func logits<B: ComputeBackend>(_ model: LlamaModel<B>, _ batch: ForwardBatch, _ sequences: [SequenceSteering?]) throws -> [[Float]] {
        let steering = try BatchSteering(model: model, sequences: sequences)
        try model.forward(batch, steering: steering.forward)
        return try model.readLogits(rows: batch.logitRows.count)
    }

    static func additive(_ strength: Float, layers: LayerSelection? = nil, promptLength: Int) throws -> SequenceSteering {
        try SequenceSteering.additive([(SteeringModelFixture.happy, strength)], layers: layers, span: SequenceSpan(promptLength: promptLength))
    }

    static func strengthZeroAndEmptyRangesAreUnsteered<B: ComputeBackend>(_ model: LlamaModel<B>) throws {
        let prompt = try Self.prompt
        let batch = ForwardBatch.prefill(prompt, allLogits: true)
        try model.forward(batch)
        let plain = try model.readLogits(rows: prompt.count)
        #expect(differingRows(try logits(model, batch, [try additive(0, promptLength: prompt.count)]), plain) == 0)
        // Block 0 has no direction in a llama.cpp file, so 0-0 selects nothing.
        #expect(differingRows(try logits(model, batch, [try additive(2, layers: LayerSelection(range: 0...0), promptLength: prompt.count)]), plain) == 0)
        #expect(differingRows(try logits(model, batch, [try additive(2, promptLength: prompt.count)]), plain) == prompt.count)
    }

    /// The reference configurations of every method other than additive, as entries.
    static func methodEntries<B: ComputeBackend>(_ model: LlamaModel<B>) throws -> [SteeringEntry] {
        try ["spherical_l15_k20_a0.6_b-0.05", "austeer_mlp_out_k16_seed1234_a20", "iti_l12_h1-4-7_seed99_a8"].map {
            try SteeredChecks.referenceEntry(SteeringReference.config($0), headsWidth: model.config.qWidth)
        }
    }

    /// Every method at strength 0, and AUSteer with no units, leaves the logits bit-identical; at strength 1 each
    /// changes every row.
    static func everyMethodAtStrengthZeroIsUnsteered<B: ComputeBackend>(_ model: LlamaModel<B>) throws {
        let prompt = try Self.prompt
        let batch = ForwardBatch.prefill(prompt, allLogits: true)
        let span = SequenceSpan(promptLength: prompt.count)
        try model.forward(batch)
        let plain = try model.readLogits(rows: prompt.count)
        for entry in try methodEntries(model) {
            let zero = try SequenceSteering.compose([entry.scaled(by: 0)], span: span)
            #expect(zero.isEmpty, "\(entry.name) at strength 0 keeps edits")
            #expect(differingRows(try logits(model, batch, [zero]), plain) == 0, "\(entry.name) at strength 0")
            #expect(differingRows(try logits(model, batch, [try SequenceSteering.compose([entry], span: span)]), plain) > 0,
                    "\(entry.name) at strength 1 changes nothing")
        }
        let noUnits = SteeringEntry(name: "no units", method: .austeer, strength: 60,
                                    interventions: [.scaleUnits(block: 7, site: .mlpOut, units: [], alpha: 1)])
        #expect(differingRows(try logits(model, batch, [try SequenceSteering.compose([noUnits], span: span)]), plain) == 0)
    }

    /// Sequences steered by different methods in one batch (Spherical, AUSteer, ITI, and an unsteered one when the
    /// model has a fourth slot) each equal their own run.
    static func mixedMethodsInOneBatchEqualSeparateRuns<B: ComputeBackend>(_ model: LlamaModel<B>) throws -> [[Float]] {
        let prompt = try Self.prompt
        let span = SequenceSpan(promptLength: prompt.count)
        var sequences: [SequenceSteering?] = try methodEntries(model).map { try SequenceSteering.compose([$0], span: span) }
        if model.cache.shape.slots > sequences.count { sequences.append(nil) }
        let together = try logits(model, .prefill(batch: Array(repeating: prompt, count: sequences.count)), sequences)
        for (slot, sequence) in sequences.enumerated() {
            let alone = try logits(model, .prefill(prompt), [sequence])
            #expect(differingRows([together[slot]], alone) == 0, "sequence \(slot) differs from its own run")
        }
        return together
    }

    /// Two sequences in one batch, strengths 0 and 2: each equals its own single run, the strength-0 one the
    /// unsteered run.
    static func perSequenceStrengthsEqualSeparateRuns<B: ComputeBackend>(_ model: LlamaModel<B>) throws {
        let prompt = try Self.prompt, other = try Self.other
        try model.forward(.prefill(prompt))
        let plain = try model.readLogits(rows: 1)[0]
        let steered = try logits(model, .prefill(other), [try additive(2, promptLength: other.count)])[0]
        let both = try logits(model, .prefill(batch: [prompt, other]),
                              [try additive(0, promptLength: prompt.count), try additive(2, promptLength: other.count)])
        #expect(differingRows([both[0]], [plain]) == 0)
        #expect(differingRows([both[1]], [steered]) == 0)
    }
}

extension SteeringModelTests {
    @Suite("Steering semantics on the CPU backend", .enabled(if: ModelFixture.enabled), .serialized)
    struct CPUSteeringSemanticsTests {
        let model: LlamaModel<CPUBackend>
        init() throws { model = try SteeringModelFixture.cpu }

        @Test func strengthZeroAndEmptyRangesAreBitIdenticalToUnsteered() throws {
            try SemanticsChecks.strengthZeroAndEmptyRangesAreUnsteered(model)
        }

        @Test func perSequenceStrengthsInOneBatchEqualSeparateRuns() throws {
            try SemanticsChecks.perSequenceStrengthsEqualSeparateRuns(model)
        }

        @Test func everyMethodAtStrengthZeroIsBitIdenticalToUnsteered() throws {
            try SemanticsChecks.everyMethodAtStrengthZeroIsUnsteered(model)
        }

        @Test func mixedMethodsInOneBatchEqualSeparateRuns() throws {
            _ = try SemanticsChecks.mixedMethodsInOneBatchEqualSeparateRuns(model)
        }

        /// `--steer a --steer b` is `--steer (a + b)`: vectors sum per layer before they are added.
        @Test func twoVectorsTogetherEqualTheirSum() throws {
            let prompt = try SemanticsChecks.prompt
            let span = SequenceSpan(promptLength: prompt.count)
            let batch = ForwardBatch.prefill(prompt, allLogits: true)
            let sum = try SteeringModelFixture.happy.adding(SteeringModelFixture.happyPCA)
            let together = try SemanticsChecks.logits(model, batch, [
                try SequenceSteering.additive([(SteeringModelFixture.happy, 1), (SteeringModelFixture.happyPCA, 1)], span: span)])
            let summed = try SemanticsChecks.logits(model, batch, [try SequenceSteering.additive([(sum, 1)], span: span)])
            #expect(SemanticsChecks.differingRows(together, summed) == 0)
        }

        /// Positions over a prompt (P = 5): `prompt` steers every row, as `all`; `generated` none; `from:3`, `from:-2`
        /// and the list 3,4 the last two rows only; `last` only the final row (the one whose logits come back).
        @Test func positionPoliciesSelectRows() throws {
            let prompt = try SemanticsChecks.prompt
            let batch = ForwardBatch.prefill(prompt, allLogits: true)
            func run(_ positions: PositionPolicy) throws -> [[Float]] {
                try SemanticsChecks.logits(model, batch, [try SequenceSteering.additive(
                    [(SteeringModelFixture.happy, 4)], positions: positions, span: SequenceSpan(promptLength: prompt.count))])
            }
            try model.forward(batch)
            let plain = try model.readLogits(rows: prompt.count)
            let all = try run(.all)
            #expect(SemanticsChecks.differingRows(try run(.prompt), all) == 0)
            #expect(SemanticsChecks.differingRows(try run(.generated), plain) == 0)
            let from3 = try run(.from(3))
            #expect(SemanticsChecks.differingRows(Array(from3.prefix(3)), Array(plain.prefix(3))) == 0)
            #expect(SemanticsChecks.differingRows(Array(from3.suffix(2)), Array(plain.suffix(2))) == 2)
            #expect(SemanticsChecks.differingRows(try run(.from(-2)), from3) == 0)   // P = 5: from:-2 is from:3
            #expect(SemanticsChecks.differingRows(try run(.list([3, 4])), from3) == 0)
            let last = try run(.last)
            #expect(SemanticsChecks.differingRows(last, plain) == 1 && last[4] != plain[4])
        }

        /// reference-recompute with `--positions last`: each token equals a brute-force run that recomputes the whole
        /// sequence without a cache and steers only its last position; steered-persist differs there.
        @Test func referenceRecomputeMatchesBruteForce() throws {
            let prompt = try SemanticsChecks.prompt
            let steps = 8
            func generate(_ mode: CacheMode) throws -> (tokens: [Int32], lastLogits: [Float]) {
                let sequence = try SequenceSteering.additive([(SteeringModelFixture.happy, 4)], positions: .last,
                                                             span: SequenceSpan(promptLength: prompt.count))
                let steering = try BatchSteering(model: model, sequences: [sequence], cacheMode: mode)
                let result = try Generator(model: model).generate(
                    prompt: prompt, maxTokens: steps, sampling: SamplerSettings(temperature: 0), stopTokens: [],
                    ignoreEOS: true, steering: steering.forward)
                return (result.tokens, try model.readLogits(rows: 1)[0])
            }
            let recompute = try generate(.referenceRecompute)
            var sequence = prompt
            var bruteLogits: [Float] = []
            for _ in 0..<steps {
                let steered = try SequenceSteering.additive([(SteeringModelFixture.happy, 4)], positions: .last,
                                                            span: SequenceSpan(promptLength: prompt.count))
                bruteLogits = try SemanticsChecks.logits(model, .prefill(sequence), [steered])[0]
                sequence.append(argmaxRows([bruteLogits])[0])
            }
            #expect(recompute.tokens == Array(sequence.dropFirst(prompt.count)))
            // Bit-identical (measured: 0.0): a cached decode row equals the same row of a full prefill, since every
            // kernel's reduction order depends only on its own row (see cachedDecodeMatchesTeacherForcing).
            let diff = zip(recompute.lastLogits, bruteLogits).map { abs($0 - $1) }.max() ?? .infinity
            expectBitIdentical(recompute.lastLogits, bruteLogits, "reference-recompute vs brute force")
            let persist = try generate(.steeredPersist)
            let persistDiff = zip(persist.lastLogits, bruteLogits).map { abs($0 - $1) }.max()!
            #expect(persistDiff > 1e-2, "steered-persist should differ from recompute here; max |dlogit| = \(persistDiff)")
            print("reference-recompute vs brute force: \(diff); steered-persist vs brute force: \(persistDiff)")
        }
    }
}

extension SteeringModelTests {
    @Suite("Steering semantics on the Vulkan backend", .enabled(if: SteeringModelFixture.vulkanEnabled), .serialized,
           .exclusiveVulkan)
    struct VulkanSteeringSemanticsTests {
        let model: LlamaModel<VulkanBackend>
        init() throws { model = try SteeringModelFixture.vulkan }

        @Test func strengthZeroAndEmptyRangesAreBitIdenticalToUnsteered() throws {
            try SemanticsChecks.strengthZeroAndEmptyRangesAreUnsteered(model)
        }

        @Test func perSequenceStrengthsInOneBatchEqualSeparateRuns() throws {
            try SemanticsChecks.perSequenceStrengthsEqualSeparateRuns(model)
        }

        @Test func everyMethodAtStrengthZeroIsBitIdenticalToUnsteered() throws {
            try SemanticsChecks.everyMethodAtStrengthZeroIsUnsteered(model)
        }

        /// The mixed batch (Spherical, AUSteer, ITI, none) equals separate runs on Vulkan and the CPU's logits.
        @Test func mixedMethodsInOneBatchEqualSeparateRunsAndTheCPU() throws {
            let gpu = try SemanticsChecks.mixedMethodsInOneBatchEqualSeparateRuns(model)
            let cpu = try SemanticsChecks.mixedMethodsInOneBatchEqualSeparateRuns(SteeringModelFixture.cpu)
            let diff = zip(gpu.joined(), cpu.joined()).map { abs($0 - $1) }.max()!
            #expect(diff <= ModelTolerance.cpuVersusVulkanLogits, "CPU vs Vulkan, methods mixed: max |dlogit| = \(diff)")
            print("CPU vs Vulkan, Spherical/AUSteer/ITI/none in one batch: max |dlogit| = \(diff)")
        }

        /// CPU and Vulkan steered logits agree on every position (`ModelTolerance.cpuVersusVulkanLogits`).
        @Test func cpuAndVulkanSteeredLogitsAgree() throws {
            let prompt = try SemanticsChecks.other
            let batch = ForwardBatch.prefill(prompt, allLogits: true)
            let steering = try SemanticsChecks.additive(4, layers: LayerSelection(range: 5...15), promptLength: prompt.count)
            let gpu = try SemanticsChecks.logits(model, batch, [steering])
            let cpu = try SemanticsChecks.logits(SteeringModelFixture.cpu, batch, [steering])
            let diff = zip(gpu.joined(), cpu.joined()).map { abs($0 - $1) }.max()!
            #expect(diff <= ModelTolerance.cpuVersusVulkanLogits, "CPU vs Vulkan steered: max |dlogit| = \(diff)")
            print("CPU vs Vulkan steered logits, all positions: max |dlogit| = \(diff)")
            #expect(try SteeringModelFixture.vulkanBackend.validationMessages.isEmpty)
        }
    }
}
