import KernelCases
import Kernels
import KernelsReference
import KernelsVulkan
import TestSupport
import Testing

/// A recorded step (here matmul -> rmsnorm -> swiglu, like a slice of a decode step) replayed many times: no new
/// Vulkan object of any kind, no new pipeline, and the same results as running the ops directly, also after the
/// inputs change between replays.
@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"), .exclusiveVulkan)
struct VulkanReplayTests {
    @Test func replayingCreatesNoVulkanObjectsAndMatchesDirectRuns() throws {
        let backend = try ValidatedVulkan.makeBackend()   // its own context: object counts see only this test
        try ValidatedVulkan.withValidation(of: backend) {
            let k = 96, n = 64
            var random = SplitMix64(seed: "replay")
            let matmul = MatmulOp(rows: 1, k: k, n: n, weightType: .q4_1)
            let norm = RMSNormOp(rows: 1, width: n, eps: 1e-5)
            let swiglu = SwigluOp(count: n)
            let x = try backend.makeBuffer(random.floats(k), label: "x")                              // [1, k] f32
            let weights = try backend.makeBuffer(random.weights(.q4_1, rows: n, k: k), label: "w")     // [n, k] q4_1
            let normWeight = try backend.makeBuffer(random.floats(n, 0.5, 1.5), label: "norm")        // [n] f32
            let hidden = try backend.makeBuffer(byteCount: 4 * n, label: "hidden")                    // [1, n] f32
            let normed = try backend.makeBuffer(byteCount: 4 * n, label: "normed")                    // [1, n] f32
            let out = try backend.makeBuffer(byteCount: 4 * n, label: "out")                          // [n] f32
            func issueStep() throws {
                try backend.matmul(matmul, x: x, weights: weights, y: hidden)
                try backend.rmsnorm(norm, x: hidden, weight: normWeight, out: normed)
                try backend.swiglu(swiglu, gate: normed, up: hidden, out: out)
            }

            try issueStep()
            let direct: [Float] = try backend.read(out, count: n)
            let step = try backend.record { try issueStep() }
            #expect(step.dispatchCount == 3)

            let counter = backend.context.objectCounter
            let created = counter.totalCreated, live = counter.totalLive, pipelines = backend.pipelineCount
            for _ in 0..<20 { try backend.replay(step) }
            try backend.synchronize()
            #expect(counter.totalCreated == created, "replays created \(counter.totalCreated - created) Vulkan objects")
            #expect(counter.totalLive == live)
            #expect(backend.pipelineCount == pipelines)
            expectBitIdentical(try backend.read(out, count: n), direct, "replayed step")

            // New input between replays: the replay reads the buffer's new contents.
            let newX = random.floats(k)
            try backend.write(newX, to: x)
            try backend.replay(step)
            let replayed: [Float] = try backend.read(out, count: n)
            try issueStep()
            expectBitIdentical(replayed, try backend.read(out, count: n), "replay after a write")
            #expect(replayed != direct)
        }
    }

    /// The newer architectures' ops in a recorded step, with the bindings they add: a scaled embedding, a QKV bias,
    /// rope_store in the NEOX style with frequency factors and without (the placeholder binding), windowed attention
    /// over heads of 256, and the tanh-GELU. Replays give the direct run's bits, also after the ids change.
    @Test func replayingTheNewerArchitecturesOpsMatchesDirectRuns() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            var random = SplitMix64(seed: "replay.architectures")
            let cache = KVCacheShape(slots: 1, ctx: 8, nKVHeads: 1, headDim: 256)
            let nHeads = 2, qWidth = nHeads * cache.headDim, stride = qWidth + 2 * cache.kvWidth   // 1024
            let vocab = 5
            let embed = EmbedOp(rows: 1, width: stride, vocab: vocab, tableType: .q8_0, scale: 1.5)
            let bias = BiasAddOp(rows: 1, width: stride)
            let global = RopeStoreOp(rows: 1, nHeads: nHeads, cache: cache, qRowStride: stride, kvRowStride: stride,
                                     kOffset: qWidth, vOffset: qWidth + cache.kvWidth, freqBase: 1_000_000, style: .neox)
            var local = global
            local.freqBase = 10_000; local.style = .adjacent
            let attention = AttentionOp(rows: 1, nHeads: nHeads, cache: cache, qRowStride: stride, window: 3)
            let gelu = SwigluOp(count: qWidth / 2, activation: .geluTanh)

            let ids = try backend.makeBuffer([Int32(3)], label: "ids")
            let table = try backend.makeBuffer(random.weights(.q8_0, rows: vocab, k: stride), label: "table")
            let biasBuffer = try backend.makeBuffer(random.floats(stride), label: "bias")
            let factors = try backend.makeBuffer(random.floats(cache.headDim / 2, 1, 8), label: "freqFactors")
            let qkv = try backend.makeBuffer(byteCount: 4 * stride, label: "qkv")
            let kCache = try backend.makeBuffer(random.floats(cache.bytes / 4), label: "kCache")
            let vCache = try backend.makeBuffer(random.floats(cache.bytes / 4), label: "vCache")
            let placement = RowPlacement(slots: try backend.makeBuffer([Int32(0)], label: "slots"),
                                         positions: try backend.makeBuffer([Int32(6)], label: "positions"))
            let heads = try backend.makeBuffer(byteCount: 4 * qWidth, label: "heads")
            let out = try backend.makeBuffer(byteCount: 4 * qWidth / 2, label: "out")
            func issueStep() throws {
                try backend.embed(embed, ids: ids, table: table, out: qkv)
                try backend.biasAdd(bias, x: qkv, bias: biasBuffer)
                try backend.ropeStore(global, q: qkv, k: qkv, v: qkv, kCache: kCache, vCache: vCache, rows: placement,
                                      freqFactors: factors)
                try backend.ropeStore(local, q: qkv, k: qkv, v: qkv, kCache: kCache, vCache: vCache, rows: placement)
                try backend.attention(attention, q: qkv, kCache: kCache, vCache: vCache, rows: placement, out: heads)
                try backend.swiglu(gelu, gate: heads, up: heads, out: out)
            }
            func outputs() throws -> [Float] {
                try backend.read(out, count: qWidth / 2) + backend.read(kCache, count: cache.bytes / 4)
            }

            try issueStep()
            let direct = try outputs()
            let step = try backend.record { try issueStep() }
            #expect(step.dispatchCount == 6)
            try backend.replay(step)
            expectBitIdentical(try outputs(), direct, "replayed step")

            try [Int32(1)].withUnsafeBytes { try backend.write($0, to: ids, at: 0) }
            try backend.replay(step)
            let replayed = try outputs()
            try issueStep()
            expectBitIdentical(replayed, try outputs(), "replay after a write")
            #expect(replayed != direct)
        }
    }

    /// A recording holds dispatches only: waiting for the device inside one cannot be replayed, so it is an error.
    @Test func synchronizingWhileRecordingIsAnError() throws {
        _ = try ValidatedVulkan.withSharedBackend { backend in
            #expect(throws: VulkanBackendError.self) { _ = try backend.record { try backend.synchronize() } }
        }
    }
}

extension ComputeBackend {
    /// Overwrites a buffer's leading floats.
    fileprivate func write(_ values: [Float], to buffer: Buffer) throws {
        try values.withUnsafeBytes { try write($0, to: buffer, at: 0) }
    }
}
