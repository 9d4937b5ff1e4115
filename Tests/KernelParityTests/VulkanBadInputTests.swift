import KernelABI
import KernelCases
import Kernels
@testable import KernelsVulkan
import TestSupport
import Testing

/// Bad input to the Vulkan backend: typed errors that name what was wrong, never a crash or a device fault, and a
/// backend that keeps working afterwards.
@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"), .exclusiveVulkan)
struct VulkanBadInputTests {
    @Test func tooSmallOutputBufferIsAKernelErrorNamingTheOperand() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            let op = MatmulOp(rows: 2, k: 64, n: 17, weightType: .q4_1)
            let x = try backend.makeBuffer(byteCount: 4 * 2 * 64, label: "x")
            let weights = try backend.makeBuffer(byteCount: op.weightBytes, label: "weights")
            let y = try backend.makeBuffer(byteCount: 4 * 2 * 17 - 4, label: "y")
            let error = #expect(throws: KernelError.self) { try backend.matmul(op, x: x, weights: weights, y: y) }
            #expect(error == .bufferTooSmall(op: "matmul", operand: "y", neededBytes: 136, actualBytes: 132))
        }
    }

    @Test func tooSmallWeightsAndCachesAreKernelErrors() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            let op = MatmulOp(rows: 1, k: 64, n: 17, weightType: .q8_0)
            #expect(throws: KernelError.self) {
                try backend.matmul(op, x: try backend.makeBuffer(byteCount: 256, label: "x"),
                                   weights: try backend.makeBuffer(byteCount: op.weightBytes - 34, label: "weights"),
                                   y: try backend.makeBuffer(byteCount: 68, label: "y"))
            }
            let cache = KVCacheShape(slots: 2, ctx: 8, nKVHeads: 2, headDim: 8)
            let attention = AttentionOp(rows: 1, nHeads: 4, cache: cache)
            let small = try backend.makeBuffer(byteCount: cache.bytes - 4, label: "kCache")
            let full = try backend.makeBuffer(byteCount: cache.bytes, label: "vCache")
            let ints = try backend.makeBuffer([Int32(0)], label: "slots")
            #expect(throws: KernelError.self) {
                try backend.attention(attention, q: try backend.makeBuffer(byteCount: 128, label: "q"), kCache: small,
                                      vCache: full, rows: RowPlacement(slots: ints, positions: ints),
                                      out: try backend.makeBuffer(byteCount: 128, label: "out"))
            }
        }
    }

    @Test func impossibleShapesAndMismatchedTablesAreKernelErrors() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            let x = try backend.makeBuffer(byteCount: 4 * 96, label: "x")
            // q4_0 rows must be whole 32-weight blocks.
            #expect(throws: KernelError.self) {
                try backend.matmul(MatmulOp(rows: 1, k: 48, n: 2, weightType: .q4_0), x: x, weights: x, y: x)
            }
            // Tables built for 3 rows of width 32, used for 2 rows of width 48.
            var params = VeerSteerSeqParams.none
            params.flags = VEER_STEER_ADD; params.addAlpha = 1
            let plan = SteerPlan(width: 32, rowSeq: [0, 0, 0], rowFlags: [VEER_ROW_STEER, 0, VEER_ROW_STEER],
                                 seqParams: [params], vectors: [Float](repeating: 0.5, count: 32))
            let tables = try backend.makeSteerTables(plan)
            let error = #expect(throws: KernelError.self) {
                try backend.residualSteer(ResidualSteerOp(rows: 2, width: 48), x: x, delta: x, tables: tables, trace: nil)
            }
            if case .invalidTable = error {} else { Issue.record("expected invalidTable, got \(String(describing: error))") }
        }
    }

    @Test func aMissingShaderVariantIsAClearError() throws {
        let error = #expect(throws: VulkanBackendError.self) { _ = try EmbeddedShaders.words("no_such_kernel_variant") }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("no_such_kernel_variant") && text.contains("variants.txt"), "\(text)")
    }

    /// Errors are thrown before anything is recorded: the next, valid op still runs and gives the right answer.
    @Test func theBackendKeepsWorkingAfterErrors() throws {
        try ValidatedVulkan.withSharedBackend { backend in
            let tiny = try backend.makeBuffer(byteCount: 4, label: "tiny")
            for _ in 0..<3 {
                #expect(throws: KernelError.self) { try backend.swiglu(SwigluOp(count: 8), gate: tiny, up: tiny, out: tiny) }
            }
            let gate = try backend.makeBuffer([Float](repeating: 0, count: 8), label: "gate")
            let up = try backend.makeBuffer([Float](repeating: 3, count: 8), label: "up")
            let out = try backend.makeBuffer(byteCount: 32, label: "out")
            try backend.swiglu(SwigluOp(count: 8), gate: gate, up: up, out: out)
            #expect(try backend.read(out, count: 8) == [Float](repeating: 0, count: 8))   // silu(0) = 0
        }
    }
}
