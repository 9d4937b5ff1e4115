import Foundation
import Kernels
import KernelsReference
import Testing

/// Small cases worked out by hand: RoPE, RMSNorm, SwiGLU, softmax, attention, selection.
@Suite struct ElementwiseTests {
    static func close(_ a: [Float], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance }
    }

    @Test func ropeTurnsAdjacentPairs() throws {
        // headDim 6, nRot 4: pair 0 turns by pos·1, pair 1 by pos·10000^(−1/2) = pos·0.01; dims 4, 5 stay.
        let op = RopeOp(rows: 2, nHeads: 1, headDim: 6, nRot: 4, freqBase: 10000)
        var x: [Float] = [1, 0, 0, 1, 7, 8,  1, 0, 0, 1, 7, 8]
        try Reference.rope(op, x: &x, positions: [0, 2])
        #expect(Array(x[0..<6]) == [1, 0, 0, 1, 7, 8])
        #expect(Self.close(Array(x[6..<12]), [cos(2), sin(2), -sin(0.02), cos(0.02), 7, 8]))
    }

    @Test func ropeHonoursHeadOffsetAndStride() throws {
        // Two heads of 2 after a 3-float prefix, row stride 8: prefix and tail are untouched.
        let op = RopeOp(rows: 1, nHeads: 2, headDim: 2, rowStride: 8, headOffset: 3, freqBase: 10000, freqScale: 0.5)
        var x: [Float] = [9, 9, 9,  1, 0,  0, 1,  9]
        try Reference.rope(op, x: &x, positions: [4])
        #expect(Self.close(x, [9, 9, 9, cos(2), sin(2), -sin(2), cos(2), 9]))
    }

    @Test func rmsnormDividesByTheRootMeanSquare() throws {
        let op = RMSNormOp(rows: 2, width: 2, eps: 0)
        let out = try Reference.rmsnorm(op, x: [3, 4, 1, -1], weight: [1, 2])
        let rms = 12.5.squareRoot()
        #expect(Self.close(out, [3 / rms, 8 / rms, 1, -2]))
    }

    @Test func rmsnormEpsKeepsZeroRowsFinite() throws {
        let out = try Reference.rmsnorm(RMSNormOp(rows: 1, width: 3, eps: 1e-5), x: [0, 0, 0], weight: [1, 1, 1])
        #expect(out == [0, 0, 0])
    }

    @Test func swigluIsSiluTimesUp() throws {
        let out = try Reference.swiglu(SwigluOp(count: 3), gate: [0, 1, -2], up: [5, 2, 3])
        let expected: [Double] = [0, 2 / (1 + exp(-1.0)), -6 / (1 + exp(2.0))]
        #expect(Self.close(out, expected))
    }

    @Test func softmaxAndLogSoftmax() throws {
        let x: [Float] = [0, Float(log(3.0)), 1000, 1000]
        let probabilities = try Reference.softmax(SoftmaxOp(rows: 2, width: 2), x: x)
        #expect(Self.close(probabilities, [0.25, 0.75, 0.5, 0.5]))
        let logs = try Reference.softmax(SoftmaxOp(rows: 2, width: 2, log: true), x: x)
        let expected: [Double] = [log(0.25), log(0.75), log(0.5), log(0.5)]
        #expect(Self.close(logs, expected))
    }

    @Test func attentionWeighsValuesBySoftmaxScores() throws {
        // One slot, ctx 3, two query heads sharing one KV head (GQA), headDim 2, scale 1.
        // k0 = [0, 0], k1 = [ln 3, 0]: q = [1, 0] scores 0 and ln 3 → weights 1/4, 3/4.
        let cache = KVCacheShape(slots: 1, ctx: 3, nKVHeads: 1, headDim: 2)
        let kCache: [Float] = [0, 0,  Float(log(3.0)), 0,  100, 100]   // position 2 is beyond pos: never read
        let vCache: [Float] = [4, 0,  0, 8,  1000, 1000]
        let op = AttentionOp(rows: 2, nHeads: 2, cache: cache, scale: 1)
        let q: [Float] = [1, 0,  0, 1,    1, 0,  0, 1]   // row 0 at pos 1, row 1 at pos 0
        let out = try Reference.attention(op, q: q, kCache: kCache, vCache: vCache, slots: [0, 0], positions: [1, 0])
        // Head 1 has q = [0, 1]: both scores 0 → weights 1/2, 1/2.
        #expect(Self.close(Array(out[0..<4]), [1, 6, 2, 4], 1e-6))
        // Position 0 attends only to itself.
        #expect(Self.close(Array(out[4..<8]), [4, 0, 4, 0]))
    }

    @Test func attentionRejectsPositionsOutsideTheCache() {
        let cache = KVCacheShape(slots: 1, ctx: 2, nKVHeads: 1, headDim: 2)
        let op = AttentionOp(rows: 1, nHeads: 1, cache: cache)
        #expect(throws: KernelError.self) {
            try Reference.attention(op, q: [1, 0], kCache: [0, 0, 0, 0], vCache: [0, 0, 0, 0], slots: [0], positions: [2])
        }
    }

    @Test func argmaxAndTopkTiesAndNonFiniteRows() throws {
        let x: [Float] = [1, 3, 3, 2,  0, 0, 0, 0,  1, .nan, 2, 0,  -.infinity, 1, 2, 3]
        #expect(try Reference.argmax(ArgmaxOp(rows: 4, width: 4), x: x) == [1, 0, -1, -1])
        let top = try Reference.topk(TopKOp(rows: 4, width: 4, k: 3), x: x)
        #expect(Array(top.ids[0..<6]) == [1, 2, 3, 0, 1, 2])
        #expect(Array(top.values[0..<6]) == [3, 3, 2, 0, 0, 0])
        #expect(Array(top.ids[6..<12]) == [-1, -1, -1, -1, -1, -1])
        #expect(top.values[6..<12].allSatisfy { $0.isNaN })
    }

    @Test func tokenLogprobsSubtractsLogSumExp() throws {
        let out = try Reference.tokenLogprobs(TokenLogprobsOp(rows: 1, width: 2), logits: [0, Float(log(3.0))], targets: [1])
        #expect(Self.close(out, [log(0.75) as Double]))
        #expect(throws: KernelError.self) {
            try Reference.tokenLogprobs(TokenLogprobsOp(rows: 1, width: 2), logits: [0, 0], targets: [2])
        }
    }

    @Test func matmulAndEmbedOnAQ8Block() throws {
        // One q8_0 row: d = 0.5 (half 0x3800), q = 0, 1, ..., 31 → w = q / 2; x = all ones → y = Σ q/2 = 248.
        let block: [UInt8] = [0x00, 0x38] + (0..<32).map { UInt8($0) }
        let y = try Reference.matmul(MatmulOp(rows: 1, k: 32, n: 1, weightType: .q8_0), x: [Float](repeating: 1, count: 32),
                                     weights: block)
        #expect(y == [248])
        let row = try Reference.embed(EmbedOp(rows: 1, width: 32, vocab: 1, tableType: .q8_0), ids: [0], table: block)
        #expect(row == (0..<32).map { Float($0) / 2 })
        #expect(throws: KernelError.self) {
            try Reference.embed(EmbedOp(rows: 1, width: 32, vocab: 1, tableType: .q8_0), ids: [1], table: block)
        }
    }
}
