import TestSupport
import Kernels
import KernelABI
import KernelsCPU
import KernelsReference
import Testing

/// Results are bit-identical on 1 and 2 threads for every op that splits work (matmul has its own test).
@Suite struct ThreadCountTests {
    static let one = CPUBackend(threads: 1)
    static let two = CPUBackend(threads: 2)

    @Test func threadCountComesFromTheInitializer() {
        #expect(Self.one.threads == 1 && Self.two.threads == 2)
        #expect(CPUBackend().threads >= 1)
    }

    @Test func normsAndSoftmax() throws {
        var rng = SeededRandom(seed: 1)
        let rows = 64, width = 1536
        let x = rng.floats(rows * width, scale: 4), weight = rng.floats(width)
        let op = RMSNormOp(rows: rows, width: width, eps: 1e-5)
        #expect(bits(try Self.one.runRMSNorm(op, x: x, weight: weight)) == bits(try Self.two.runRMSNorm(op, x: x, weight: weight)))
        for log in [false, true] {
            let softmax = SoftmaxOp(rows: rows, width: width, log: log)
            func run(_ cpu: CPUBackend) throws -> [Float] {
                let buffer = try cpu.makeBuffer(x, label: "x")
                try cpu.softmax(softmax, x: buffer, out: buffer)
                return try cpu.read(buffer, count: x.count)
            }
            #expect(bits(try run(Self.one)) == bits(try run(Self.two)))
        }
    }

    @Test func attention() throws {
        var rng = SeededRandom(seed: 2)
        let cache = KVCacheShape(slots: 2, ctx: 200, nKVHeads: 3, headDim: 64)
        let k = rng.floats(cache.bytes / 4), v = rng.floats(cache.bytes / 4)
        let rows = 40
        let slots = (0..<rows).map { Int32($0 % 2) }, positions = (0..<rows).map { Int32(4 * $0 + 1) }
        let op = AttentionOp(rows: rows, nHeads: 9, cache: cache)
        let q = rng.floats(rows * op.outWidth)
        let a = try Self.one.runAttention(op, q: q, kCache: k, vCache: v, slots: slots, positions: positions)
        let b = try Self.two.runAttention(op, q: q, kCache: k, vCache: v, slots: slots, positions: positions)
        #expect(bits(a) == bits(b))
    }

    @Test func residualSteerAndTopk() throws {
        var rng = SeededRandom(seed: 3)
        let width = 576, rows = 200
        var sphere = VeerSteerSeqParams()
        sphere.flags = VEER_STEER_SPHERICAL | VEER_STEER_ADD
        sphere.addAlpha = 0.5; sphere.sphAlpha = 0.5; sphere.sphKappa = 5; sphere.sphBeta = -0.5; sphere.sphMu = 1
        let plan = SteerPlan(width: width, rowSeq: (0..<rows).map { Int32($0 % 2) },
                             rowFlags: (0..<rows).map { $0 % 3 == 0 ? 0 : VEER_ROW_STEER },
                             seqParams: [.none, sphere], vectors: rng.floats(width) + rng.unitVector(width))
        let x = rng.floats(rows * width), delta = rng.floats(rows * width)
        let op = ResidualSteerOp(rows: rows, width: width)
        let a = try Self.one.runResidualSteer(op, x: x, delta: delta, plan: plan)
        let b = try Self.two.runResidualSteer(op, x: x, delta: delta, plan: plan)
        #expect(bits(a.x) == bits(b.x) && bits(a.trace) == bits(b.trace))

        let topk = TopKOp(rows: rows, width: width, k: 50)
        func run(_ cpu: CPUBackend) throws -> [Int32] {
            let ids = try cpu.makeBuffer(byteCount: 4 * rows * 50, label: "ids")
            let values = try cpu.makeBuffer(byteCount: 4 * rows * 50, label: "values")
            try cpu.topk(topk, x: cpu.makeBuffer(x, label: "x"), ids: ids, values: values)
            return try cpu.read(ids, count: rows * 50)
        }
        #expect(try run(Self.one) == run(Self.two))
    }

    /// Ops issued from several threads at once on one backend run one after another (they share its worker pool
    /// and scratch), so each gets exactly the result it gets alone.
    @Test func concurrentCallersOnOneBackendGetTheirOwnResults() async throws {
        var rng = SeededRandom(seed: 4)
        let k = 576, n = 1536
        let w = rng.weights(.q4_1, n: n, k: k)
        let inputs = (0..<6).map { _ in rng.floats(3 * k) }
        let op = MatmulOp(rows: 3, k: k, n: n, weightType: .q4_1)
        let shared = Self.two
        let alone = try inputs.map { try CPUBackend(threads: 2).runMatmul(op, x: $0, weights: w) }
        let together = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, x) in inputs.enumerated() {
                group.addTask { (i, try shared.runMatmul(op, x: x, weights: w)) }
            }
            var results = [[Float]](repeating: [], count: inputs.count)
            for try await (i, y) in group { results[i] = y }
            return results
        }
        for i in inputs.indices { #expect(bits(together[i]) == bits(alone[i]), "caller \(i)") }
    }
}
