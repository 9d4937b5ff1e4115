import KernelCases
import Kernels
import KernelsCPU
import KernelsReference
import KernelsVulkan
import TestSupport
import Testing

/// kv_copy between the ops around it, as the scorer issues it: a prompt stored into its slot, copied into option
/// slots, a copy out of a slot the previous copy wrote, then an option's first token stored over a copied position.
/// Each step reads or overwrites what the step before wrote, with no host wait between them, so on Vulkan each needs
/// its barrier (the copy binds the caches read-write: it reads and writes them); the caches must end bit-identical
/// to the reference's.
enum KVCopyOrdering {
    static let cache = KVCacheShape(slots: 5, ctx: 6, nKVHeads: 2, headDim: 8)
    static let copies = [
        KVCopyOp(cache: cache, positions: 4, sourceSlot: 0, firstTarget: 1, targetCount: 2),
        KVCopyOp(cache: cache, positions: 3, sourceSlot: 2, firstTarget: 3, targetCount: 2),
    ]
    static let prompt = 4

    /// Records the four steps once, replays them, and returns the replay and both caches.
    static func run<B: ComputeBackend>(_ backend: B) throws -> (replay: B.Replay, k: [Float], v: [Float]) {
        var random = SplitMix64(seed: "kv_copy ordering")
        let width = cache.kvWidth, cacheFloats = cache.bytes / 4
        let kCache = try backend.makeBuffer(random.floats(cacheFloats), label: "kCache")   // [slots, ctx, kvWidth] f32
        let vCache = try backend.makeBuffer(random.floats(cacheFloats), label: "vCache")
        let promptK = try backend.makeBuffer(random.floats(prompt * width), label: "promptK")   // [prompt, kvWidth]
        let promptV = try backend.makeBuffer(random.floats(prompt * width), label: "promptV")
        let promptRows = RowPlacement(slots: try backend.makeBuffer([Int32](repeating: 0, count: prompt), label: "slots"),
                                      positions: try backend.makeBuffer((0..<Int32(prompt)).map { $0 }, label: "positions"))
        let tokenK = try backend.makeBuffer(random.floats(width), label: "tokenK")   // [1, kvWidth]
        let tokenV = try backend.makeBuffer(random.floats(width), label: "tokenV")
        let tokenRow = RowPlacement(slots: try backend.makeBuffer([Int32(3)], label: "slot"),
                                    positions: try backend.makeBuffer([Int32(1)], label: "position"))
        let replay = try backend.record {
            try backend.kvStore(KVStoreOp(rows: prompt, cache: cache), k: promptK, v: promptV, kCache: kCache,
                                vCache: vCache, rows: promptRows)
            try backend.kvCopy(copies[0], kCache: kCache, vCache: vCache)
            try backend.kvCopy(copies[1], kCache: kCache, vCache: vCache)
            try backend.kvStore(KVStoreOp(rows: 1, cache: cache), k: tokenK, v: tokenV, kCache: kCache, vCache: vCache,
                                rows: tokenRow)
        }
        try backend.replay(replay)
        return (replay, try backend.read(kCache, count: cacheFloats), try backend.read(vCache, count: cacheFloats))
    }
}

@Suite struct KVCopyOrderingCPUTests {
    @Test func cpuMatchesTheReference() throws {
        let expected = try KVCopyOrdering.run(ReferenceBackend())
        let cpu = try KVCopyOrdering.run(CPUBackend(threads: 2))
        #expect(cpu.k.map(\.bitPattern) == expected.k.map(\.bitPattern))
        #expect(cpu.v.map(\.bitPattern) == expected.v.map(\.bitPattern))
    }
}

@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device (Debian: apt-get install mesa-vulkan-drivers)"),
       .exclusiveVulkan)
struct VulkanKVCopyTests {
    @Test func ordersAfterAndBeforeTheOpsAroundIt() throws {
        let expected = try KVCopyOrdering.run(ReferenceBackend())
        try ValidatedVulkan.withSharedBackend { backend in
            let vulkan = try KVCopyOrdering.run(backend)
            #expect(vulkan.replay.dispatchCount == 4)
            #expect(vulkan.replay.barrierCount == 3, "each step touches what the step before wrote")
            #expect(vulkan.k.map(\.bitPattern) == expected.k.map(\.bitPattern))
            #expect(vulkan.v.map(\.bitPattern) == expected.v.map(\.bitPattern))
        }
    }

    @Test func anEmptyCopyIssuesNothingButIsStillValidated() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            let cache = KVCacheShape(slots: 3, ctx: 4, nKVHeads: 1, headDim: 4)
            let kCache = try backend.makeBuffer(byteCount: cache.bytes, label: "kCache")
            let vCache = try backend.makeBuffer(byteCount: cache.bytes, label: "vCache")
            let empty = try backend.record {
                try backend.kvCopy(KVCopyOp(cache: cache, positions: 0, sourceSlot: 0, firstTarget: 1, targetCount: 2),
                                   kCache: kCache, vCache: vCache)
                try backend.kvCopy(KVCopyOp(cache: cache, positions: 4, sourceSlot: 0, firstTarget: 1, targetCount: 0),
                                   kCache: kCache, vCache: vCache)
            }
            #expect(empty.dispatchCount == 0)
            let error = #expect(throws: KernelError.self) {
                try backend.kvCopy(KVCopyOp(cache: cache, positions: 0, sourceSlot: 3, firstTarget: 0, targetCount: 2),
                                   kCache: kCache, vCache: vCache)
            }
            #expect(error == .invalidShape(op: "kv_copy", detail: "sourceSlot 3 outside [0, 3)"))
        }
    }
}
