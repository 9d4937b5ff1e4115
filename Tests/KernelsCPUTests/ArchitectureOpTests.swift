import Foundation
import Kernels
import KernelsCPU
import Testing

/// The newer architectures' kernel options on the CPU backend: bad inputs are `KernelError`s naming the operand, the
/// tanh-GELU is ggml_gelu_f32's f32 arithmetic, and the embedding scale is one f32 product. (Their values against the
/// reference: the shared kernel cases in KernelParityTests.)
@Suite struct ArchitectureOpTests {
    let cpu = CPUBackend(threads: 2)

    @Test func tooFewFrequencyFactorsAreAnErrorNamingThem() throws {
        let op = RopeOp(rows: 1, nHeads: 2, headDim: 8, freqBase: 10000, style: .neox)
        let x = try cpu.makeBuffer([Float](repeating: 1, count: 16), label: "x")
        let positions = try cpu.makeBuffer([Int32(3)], label: "positions")
        let factors = try cpu.makeBuffer([Float](repeating: 2, count: 3), label: "freqFactors")   // needs nRot/2 = 4
        let error = #expect(throws: KernelError.self) {
            try cpu.rope(op, x: x, positions: positions, freqFactors: factors)
        }
        #expect(error == .bufferTooSmall(op: "rope", operand: "freqFactors", neededBytes: 16, actualBytes: 12))

        let cache = KVCacheShape(slots: 1, ctx: 4, nKVHeads: 1, headDim: 8)
        let store = RopeStoreOp(rows: 1, nHeads: 2, cache: cache, freqBase: 10000)
        let kv = try cpu.makeBuffer([Float](repeating: 1, count: 8), label: "kv")
        let kCache = try cpu.makeBuffer([Float](repeating: 0, count: 32), label: "kCache")
        let slots = try cpu.makeBuffer([Int32(0)], label: "slots")
        let storeError = #expect(throws: KernelError.self) {
            try cpu.ropeStore(store, q: x, k: kv, v: kv, kCache: kCache, vCache: kCache,
                              rows: RowPlacement(slots: slots, positions: positions), freqFactors: factors)
        }
        #expect(storeError == .bufferTooSmall(op: "rope_store", operand: "freqFactors", neededBytes: 16, actualBytes: 12))
        #expect(try cpu.read(kCache, as: Float.self, count: 32).allSatisfy { $0 == 0 }, "nothing is written")
    }

    @Test func aBiasPastTheRowStrideIsAnError() throws {
        let x = try cpu.makeBuffer([Float](repeating: 1, count: 12), label: "x")
        let bias = try cpu.makeBuffer([Float](repeating: 1, count: 4), label: "bias")
        let error = #expect(throws: KernelError.self) {
            try cpu.biasAdd(BiasAddOp(rows: 2, width: 4, rowStride: 6, offset: 3), x: x, bias: bias)
        }
        #expect(error?.description.contains("bias_add") == true && error?.description.contains("row stride 6") == true,
                "\(String(describing: error))")
        #expect(try cpu.read(x, as: Float.self, count: 12).allSatisfy { $0 == 1 }, "nothing is written")
    }

    @Test func aNegativeWindowIsAnError() throws {
        let cache = KVCacheShape(slots: 1, ctx: 4, nKVHeads: 1, headDim: 8)
        let buffer = try cpu.makeBuffer([Float](repeating: 0, count: 32), label: "buffer")
        let ints = try cpu.makeBuffer([Int32(0)], label: "ints")
        let error = #expect(throws: KernelError.self) {
            try cpu.attention(AttentionOp(rows: 1, nHeads: 1, cache: cache, window: -4), q: buffer, kCache: buffer,
                              vCache: buffer, rows: RowPlacement(slots: ints, positions: ints), out: buffer)
        }
        #expect(error?.description.contains("window -4") == true, "\(String(describing: error))")
    }

    /// ggml_gelu_f32 (ggml-cpu/vec.h) written out in f32, C's evaluation order, libm's tanhf.
    static func ggmlGelu(_ x: Float) -> Float {
        let a: Float = 0.044715, s: Float = 0.79788456080286535587989211986876
        let inner: Float = s * x * (1 + a * x * x)
        return 0.5 * x * (1 + tanhf(inner))
    }

    @Test func geluTanhIsGgmlsF32Formula() throws {
        var random = SplitMix64(seed: "cpu.gelu")
        let gate = random.floats(1000, -12, 12) + [0, -0.0, 1e-30, -1e-30, 40, -40]
        let up = random.floats(gate.count, -2, 2)
        let out = try cpu.makeBuffer(byteCount: 4 * gate.count, label: "out")
        try cpu.swiglu(SwigluOp(count: gate.count, activation: .geluTanh), gate: try cpu.makeBuffer(gate, label: "gate"),
                       up: try cpu.makeBuffer(up, label: "up"), out: out)
        let expected = zip(gate, up).map { Self.ggmlGelu($0) * $1 }
        #expect(try cpu.read(out, as: Float.self, count: gate.count).map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func theEmbeddingScaleIsOneF32Product() throws {
        var random = SplitMix64(seed: "cpu.embed.scale")
        let table = random.floats(3 * 64, -1, 1)
        let scale = Float(640).squareRoot()
        let ids = try cpu.makeBuffer([Int32(2), 0], label: "ids"), tableBuffer = try cpu.makeBuffer(table, label: "table")
        let out = try cpu.makeBuffer(byteCount: 4 * 2 * 64, label: "out")
        try cpu.embed(EmbedOp(rows: 2, width: 64, vocab: 3, tableType: .f32, scale: scale), ids: ids, table: tableBuffer,
                      out: out)
        let expected = (Array(table[128..<192]) + Array(table[0..<64])).map { $0 * scale }
        #expect(try cpu.read(out, as: Float.self, count: 128).map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
