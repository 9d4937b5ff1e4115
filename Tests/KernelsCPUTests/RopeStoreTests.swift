import Kernels
import KernelsCPU
import Testing

/// rope_store's bad inputs: each a `KernelError` naming the op and what is wrong, before anything is written.
@Suite struct RopeStoreTests {
    let cache = KVCacheShape(slots: 2, ctx: 4, nKVHeads: 1, headDim: 4)

    /// Runs `op` on one QKV buffer of 2 rows (q, k and v shared) and returns the error's description.
    func failure(_ op: RopeStoreOp, positions: [Int32] = [0, 1], slots: [Int32] = [0, 1]) throws -> String {
        let cpu = CPUBackend(threads: 1)
        let qkv = try cpu.makeBuffer([Float](repeating: 1, count: 2 * 12), label: "qkv")
        let kCache = try cpu.makeBuffer([Float](repeating: 0, count: cache.bytes / 4), label: "kCache")
        let vCache = try cpu.makeBuffer([Float](repeating: 0, count: cache.bytes / 4), label: "vCache")
        let placement = RowPlacement(slots: try cpu.makeBuffer(slots, label: "slots"),
                                     positions: try cpu.makeBuffer(positions, label: "positions"))
        do {
            try cpu.ropeStore(op, q: qkv, k: qkv, v: qkv, kCache: kCache, vCache: vCache, rows: placement)
        } catch let error as KernelError {
            #expect(try cpu.read(kCache, as: Float.self, count: cache.bytes / 4).allSatisfy { $0 == 0 }, "nothing is written")
            return error.description
        }
        Issue.record("no error")
        return ""
    }

    func op(qOffset: Int = 0, kOffset: Int = 4, vOffset: Int = 8, kvRowStride: Int = 12) -> RopeStoreOp {
        RopeStoreOp(rows: 2, nHeads: 1, cache: cache, qRowStride: 12, qOffset: qOffset, kvRowStride: kvRowStride,
                    kOffset: kOffset, vOffset: vOffset, freqBase: 10000)
    }

    @Test func queriesOverlappingTheKeysOfASharedBufferAreAnError() throws {
        let message = try failure(op(qOffset: 2))
        #expect(message.contains("rope_store") && message.contains("overlap the keys"), "\(message)")
    }

    @Test func aSharedBufferNeedsOneRowStride() throws {
        let message = try failure(op(vOffset: 7, kvRowStride: 11))
        #expect(message.contains("rope_store") && message.contains("row stride 12"), "\(message)")
    }

    @Test func positionsOutsideTheCacheAreAnError() throws {
        let message = try failure(op(), positions: [0, 4])
        #expect(message.contains("rope_store") && message.contains("position 4 outside the context"), "\(message)")
        let slot = try failure(op(), slots: [0, 2])
        #expect(slot.contains("slot 2 outside"), "\(slot)")
    }

    @Test func anOddRotationIsAnError() throws {
        var odd = op()
        odd.nRot = 3
        let message = try failure(odd)
        #expect(message.contains("rope_store") && message.contains("nRot 3"), "\(message)")
    }
}
