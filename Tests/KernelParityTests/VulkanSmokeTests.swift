import Foundation
import KernelABI
import Kernels
import Testing
import VulkanRuntime

@testable import KernelsVulkan

// Smoke tests of the Vulkan backend against plain Double loops written here, on whatever device the loader finds
// (lavapipe in CI), with validation and synchronization validation on: every test also expects zero messages.
// The determinism contract is checked bit for bit: a row alone vs in a batch, the subgroup variants vs the plain
// ones, split weights vs whole ones, a replayed step vs the same ops issued directly.

enum Smoke {
    /// The environment's device choice and disabled features (VEER_DEVICE, VEER_VK_DISABLE), so a CI matrix runs
    /// these tests on each variant family; the binding limit only where a test sets it (these shapes exceed 256 B).
    static func options(maxBindingBytes: Int? = nil, disabled: Set<DeviceFeature> = []) -> VulkanOptions {
        var options = (try? VulkanOptions.fromEnvironment()) ?? VulkanOptions()
        options.validation = true
        options.maxBindingBytes = maxBindingBytes
        options.disabled.formUnion(disabled)
        return options
    }

    static let devices = (try? VulkanContext.listDevices(options())) ?? []
    static let hasDevice = !devices.isEmpty
    static let hasSubgroups = (try? VulkanContext.make(options()).device.features.has(.subgroups)) ?? false

    static func backend(_ options: VulkanOptions = options()) throws -> VulkanBackend {
        try VulkanBackend(options: options)
    }
}

/// SplitMix64: a seeded generator, so every run sees the same inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func floats(_ count: Int, _ range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}

/// A weight matrix [n, k] in `type`: its bytes and the values they decode to (the GGML layouts of DType).
func makeWeights(_ type: DType, n: Int, k: Int, rng: inout SplitMix) -> (bytes: [UInt8], values: [Double]) {
    var bytes: [UInt8] = []
    var values: [Double] = []
    func half(_ f: Float) -> Float16 { Float16(f) }
    func append(_ h: Float16) { bytes += [UInt8(h.bitPattern & 0xFF), UInt8(h.bitPattern >> 8)] }
    for _ in 0..<n {
        switch type {
        case .f32:
            for v in rng.floats(k) { bytes += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init); values.append(Double(v)) }
        case .f16:
            for v in rng.floats(k) { let h = half(v); append(h); values.append(Double(Float(h))) }
        case .q8_0, .q4_0, .q4_1:
            for _ in 0..<k / 32 {
                let d = half(Float.random(in: 0.01...0.1, using: &rng))
                let m = half(Float.random(in: -0.5...0.5, using: &rng))
                append(d)
                if type == .q4_1 { append(m) }
                if type == .q8_0 {
                    let q = (0..<32).map { _ in Int8.random(in: -127...127, using: &rng) }
                    bytes += q.map { UInt8(bitPattern: $0) }
                    values += q.map { Double(Float(d)) * Double($0) }
                } else {
                    let q = (0..<32).map { _ in UInt8.random(in: 0...15, using: &rng) }
                    bytes += (0..<16).map { q[$0] | (q[$0 + 16] << 4) }
                    values += q.map { type == .q4_0 ? Double(Float(d)) * (Double($0) - 8) : Double(Float(d)) * Double($0) + Double(Float(m)) }
                }
            }
        }
    }
    return (bytes, values)
}

/// Expects |got - want| <= tolerance * scale elementwise and reports the worst element.
func expectClose(_ got: [Float], _ want: [Double], scale: [Double]? = nil, tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, "\(what): \(got.count) values, expected \(want.count)", sourceLocation: sourceLocation)
    var worst = (index: -1, ratio: 0.0)
    for i in 0..<min(got.count, want.count) {
        let error = abs(Double(got[i]) - want[i]) / max(scale?[i] ?? max(abs(want[i]), 1), 1e-30)
        if !(error <= worst.ratio) { worst = (i, error.isNaN ? .infinity : error) }
    }
    #expect(worst.ratio <= tolerance, "\(what): element \(worst.index) got \(worst.index >= 0 ? got[worst.index] : 0), expected \(worst.index >= 0 ? want[worst.index] : 0) (relative error \(worst.ratio))", sourceLocation: sourceLocation)
}

func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

func expectNoValidationMessages(_ backend: VulkanBackend, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(backend.validationMessages.isEmpty, "validation: \(backend.validationMessages.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}

@Suite("Vulkan backend smoke tests", .enabled(if: Smoke.hasDevice))
struct VulkanSmokeTests {
    @Test("matmul matches a Double loop; each row is bit-identical alone (matvec) and in a batch",
          arguments: DType.allCases)
    func matmul(type: DType) throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 7 + UInt64(type.rawValue))
        let (rows, k, n) = (11, type.isQuantized ? 96 : 37, 13)
        let (bytes, w) = makeWeights(type, n: n, k: k, rng: &rng)
        let x = rng.floats(rows * k)
        let weights = try backend.makeBuffer(bytes, label: "w")
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let y = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y")
        try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: xBuffer, weights: weights, y: y)
        let batched: [Float] = try backend.read(y, count: rows * n)
        var want = [Double](), scale = [Double]()
        for r in 0..<rows {
            for j in 0..<n {
                want.append((0..<k).reduce(0) { $0 + w[j * k + $1] * Double(x[r * k + $1]) })
                scale.append((0..<k).reduce(1e-3) { $0 + abs(w[j * k + $1] * Double(x[r * k + $1])) })
            }
        }
        expectClose(batched, want, scale: scale, tolerance: 1e-6, "matmul \(type)")
        for r in [0, 5, 10] {
            let alone = try backend.makeBuffer(byteCount: 4 * n, label: "y1")
            try backend.matmul(MatmulOp(rows: 1, k: k, n: n, weightType: type, xOffset: r * k), x: xBuffer, weights: weights, y: alone)
            let single: [Float] = try backend.read(alone, count: n)
            #expect(bits(single) == bits(Array(batched[r * n ..< (r + 1) * n])), "\(type) row \(r): alone != batched")
        }
        expectNoValidationMessages(backend)
    }

    @Test("weights and tables split over several bindings give the same bits", arguments: DType.allCases)
    func splitBindings(type: DType) throws {
        let whole = try Smoke.backend()
        let split = try Smoke.backend(Smoke.options(maxBindingBytes: 256))
        var rng = SplitMix(state: 99)
        let (rows, k, n) = (2, 32, 30)
        let (bytes, _) = makeWeights(type, n: n, k: k, rng: &rng)
        let runs = try BindingRuns.split(rows: n, rowBytes: type.rowBytes(k), maxRange: 256,
                                         alignment: split.geometry.bindingAlignment, op: "test")
        #expect(runs.count > 1)   // q8_0 and q4_0 runs also start mid-alignment (their skew path)
        let x = rng.floats(rows * k)
        var results: [[Float]] = []
        for backend in [whole, split] {
            let weights = try backend.makeBuffer(bytes, label: "w")
            let y = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y")
            try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: try backend.makeBuffer(x, label: "x"),
                               weights: weights, y: y)
            let embedded = try backend.makeBuffer(byteCount: 4 * rows * k, label: "e")
            try backend.embed(EmbedOp(rows: rows, width: k, vocab: n, tableType: type),
                              ids: try backend.makeBuffer([Int32(29), 3], label: "ids"), table: weights, out: embedded)
            results.append(try backend.read(y, count: rows * n) + backend.read(embedded, count: rows * k))
            expectNoValidationMessages(backend)
        }
        #expect(bits(results[0]) == bits(results[1]))
    }

    @Test("embed gathers and dequantizes rows; an id outside the vocabulary gives NaN", arguments: DType.allCases)
    func embed(type: DType) throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 3)
        let (vocab, width) = (9, type.isQuantized ? 64 : 33)
        let (bytes, table) = makeWeights(type, n: vocab, k: width, rng: &rng)
        let ids: [Int32] = [8, 0, 3, 3, -1]
        let out = try backend.makeBuffer(byteCount: 4 * ids.count * width, label: "out")
        try backend.embed(EmbedOp(rows: ids.count, width: width, vocab: vocab, tableType: type),
                          ids: try backend.makeBuffer(ids, label: "ids"), table: try backend.makeBuffer(bytes, label: "t"), out: out)
        let got: [Float] = try backend.read(out, count: ids.count * width)
        let want = ids.dropLast().flatMap { table[Int($0) * width ..< (Int($0) + 1) * width] }
        expectClose(Array(got.prefix(want.count)), want, tolerance: 1e-6, "embed \(type)")
        #expect(got.suffix(width).allSatisfy { $0.isNaN })
        expectNoValidationMessages(backend)
    }

    @Test("rmsnorm, softmax, log-softmax, swiglu and rope match Double loops")
    func elementwiseAndNorms() throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 11)
        let (rows, width) = (3, 300)
        let x = rng.floats(rows * width, -4...4), weight = rng.floats(width)
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let out = try backend.makeBuffer(byteCount: 4 * rows * width, label: "out")
        try backend.rmsnorm(RMSNormOp(rows: rows, width: width, eps: 1e-5), x: xBuffer,
                            weight: try backend.makeBuffer(weight, label: "w"), out: out)
        var want = [Double]()
        for r in 0..<rows {
            let row = x[r * width ..< (r + 1) * width].map(Double.init)
            let inv = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(width) + 1e-5).squareRoot()
            want += row.enumerated().map { $0.element * inv * Double(weight[$0.offset]) }
        }
        expectClose(try backend.read(out, count: rows * width), want, tolerance: 2e-6, "rmsnorm")

        for log in [false, true] {
            try backend.softmax(SoftmaxOp(rows: rows, width: width, log: log), x: xBuffer, out: out)
            var want = [Double]()
            for r in 0..<rows {
                let row = x[r * width ..< (r + 1) * width].map(Double.init)
                let m = row.max()!, lse = m + Foundation.log(row.reduce(0) { $0 + exp($1 - m) })
                want += row.map { log ? $0 - lse : exp($0 - lse) }
            }
            expectClose(try backend.read(out, count: rows * width), want, tolerance: 2e-6, log ? "log_softmax" : "softmax")
        }

        try backend.swiglu(SwigluOp(count: rows * width), gate: xBuffer, up: xBuffer, out: out)
        let swiglu = x.map { Double($0) / (1 + exp(-Double($0))) * Double($0) }
        expectClose(try backend.read(out, count: rows * width), swiglu, tolerance: 2e-6, "swiglu")

        let (nHeads, headDim, nRot) = (3, 16, 12)
        let positions: [Int32] = [0, 17, 250, 2999]
        let rope = RopeOp(rows: positions.count, nHeads: nHeads, headDim: headDim, nRot: nRot, rowStride: 52,
                          headOffset: 4, freqBase: 10000, freqScale: 0.5)
        let ropeInput = rng.floats(positions.count * 52)
        let ropeBuffer = try backend.makeBuffer(ropeInput, label: "rope")
        try backend.rope(rope, x: ropeBuffer, positions: try backend.makeBuffer(positions, label: "pos"))
        var ropeWant = ropeInput.map(Double.init)
        for (r, pos) in positions.enumerated() {
            for h in 0..<nHeads {
                for i in 0..<nRot / 2 {
                    let theta = Double(pos) * 0.5 * pow(10000, -2 * Double(i) / Double(nRot))
                    let at = r * 52 + 4 + h * headDim + 2 * i
                    let (x0, x1) = (ropeWant[at], ropeWant[at + 1])
                    ropeWant[at] = x0 * cos(theta) - x1 * sin(theta)
                    ropeWant[at + 1] = x0 * sin(theta) + x1 * cos(theta)
                }
            }
        }
        // f32 angles: pos * freq rounds to ~1e-7 relative, 3e-4 rad at position 2999.
        expectClose(try backend.read(ropeBuffer, count: ropeInput.count), ropeWant, scale: ropeWant.map { _ in 1 },
                    tolerance: 1e-3, "rope")
        expectNoValidationMessages(backend)
    }

    @Test("kv_store then attention match a Double loop; a decode row equals its prefill row bit for bit")
    func attention() throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 5)
        let cache = KVCacheShape(slots: 2, ctx: 300, nKVHeads: 2, headDim: 8)
        let nHeads = 4
        let initialK = rng.floats(cache.slots * cache.ctx * cache.kvWidth), initialV = rng.floats(initialK.count)
        let slots: [Int32] = [0, 1, 0, 1], positions: [Int32] = [299, 130, 5, 0]
        // The rows' own K/V go through kv_store, packed like a fused QKV output: [q | k | v] per row.
        let rowStride = nHeads * cache.headDim + 2 * cache.kvWidth
        let qkv = rng.floats(slots.count * rowStride)
        var kValues = initialK, vValues = initialV
        for r in 0..<slots.count {
            for i in 0..<cache.kvWidth {
                let at = (Int(slots[r]) * cache.ctx + Int(positions[r])) * cache.kvWidth + i
                kValues[at] = qkv[r * rowStride + nHeads * cache.headDim + i]
                vValues[at] = qkv[r * rowStride + nHeads * cache.headDim + cache.kvWidth + i]
            }
        }
        let kCache = try backend.makeBuffer(initialK, label: "k"), vCache = try backend.makeBuffer(initialV, label: "v")
        let qkvBuffer = try backend.makeBuffer(qkv, label: "qkv")
        let placement = RowPlacement(slots: try backend.makeBuffer(slots, label: "s"), positions: try backend.makeBuffer(positions, label: "p"))
        try backend.kvStore(KVStoreOp(rows: slots.count, cache: cache, rowStride: rowStride, kOffset: nHeads * cache.headDim,
                                      vOffset: nHeads * cache.headDim + cache.kvWidth),
                            k: qkvBuffer, v: qkvBuffer, kCache: kCache, vCache: vCache, rows: placement)
        let op = AttentionOp(rows: slots.count, nHeads: nHeads, cache: cache, qRowStride: rowStride)
        let out = try backend.makeBuffer(byteCount: 4 * slots.count * op.outWidth, label: "out")
        try backend.attention(op, q: qkvBuffer, kCache: kCache, vCache: vCache, rows: placement, out: out)
        let got: [Float] = try backend.read(out, count: slots.count * op.outWidth)
        #expect(try backend.read(kCache, as: Float.self, count: kValues.count) == kValues)
        #expect(try backend.read(vCache, as: Float.self, count: vValues.count) == vValues)

        var want = [Double]()
        for r in 0..<slots.count {
            for h in 0..<nHeads {
                let kvHead = h / (nHeads / cache.nKVHeads)
                func at(_ p: Int, _ d: Int) -> Int { (Int(slots[r]) * cache.ctx + p) * cache.kvWidth + kvHead * cache.headDim + d }
                let scores = (0...Int(positions[r])).map { p in
                    (0..<cache.headDim).reduce(0.0) { $0 + Double(qkv[r * rowStride + h * cache.headDim + $1]) * Double(kValues[at(p, $1)]) } * Double(op.scale)
                }
                let m = scores.max()!, weights = scores.map { exp($0 - m) }, total = weights.reduce(0, +)
                want += (0..<cache.headDim).map { d in weights.indices.reduce(0.0) { $0 + weights[$1] * Double(vValues[at($1, d)]) } / total }
            }
        }
        expectClose(got, want, scale: want.map { _ in 1 }, tolerance: 1e-5, "attention")

        for r in 0..<slots.count {
            let alone = try backend.makeBuffer(byteCount: 4 * op.outWidth, label: "alone")
            let one = RowPlacement(slots: try backend.makeBuffer([slots[r]], label: "s1"), positions: try backend.makeBuffer([positions[r]], label: "p1"))
            try backend.attention(AttentionOp(rows: 1, nHeads: nHeads, cache: cache, qRowStride: rowStride, qOffset: r * rowStride),
                                  q: qkvBuffer, kCache: kCache, vCache: vCache, rows: one, out: alone)
            #expect(bits(try backend.read(alone, count: op.outWidth)) == bits(Array(got[r * op.outWidth ..< (r + 1) * op.outWidth])))
        }
        expectNoValidationMessages(backend)
    }

    @Test("argmax, topk and token_logprobs: ties to the lowest id, non-finite rows reported")
    func selection() throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 13)
        let (rows, width, k) = (4, 1000, 6)
        var x = rng.floats(rows * width)
        x[0 * width + 700] = 5; x[0 * width + 300] = 5; x[0 * width + 900] = 5   // ties in row 0
        x[1 * width + 17] = .nan
        x[2 * width + 999] = -.infinity
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let ids = try backend.makeBuffer(byteCount: 4 * rows, label: "ids")
        try backend.argmax(ArgmaxOp(rows: rows, width: width), x: xBuffer, ids: ids)
        let best = x[3 * width ..< 4 * width].enumerated().max { ($0.element, -$0.offset) < ($1.element, -$1.offset) }!.offset
        #expect(try backend.read(ids, as: Int32.self, count: rows) == [300, -1, -1, Int32(best)])

        let topIds = try backend.makeBuffer(byteCount: 4 * rows * k, label: "tid"), topValues = try backend.makeBuffer(byteCount: 4 * rows * k, label: "tv")
        try backend.topk(TopKOp(rows: rows, width: width, k: k), x: xBuffer, ids: topIds, values: topValues)
        let gotIds: [Int32] = try backend.read(topIds, count: rows * k), gotValues: [Float] = try backend.read(topValues, count: rows * k)
        for r in [0, 3] {
            let order = x[r * width ..< (r + 1) * width].enumerated().sorted { ($0.element, -$0.offset) > ($1.element, -$1.offset) }.prefix(k)
            #expect(Array(gotIds[r * k ..< (r + 1) * k]) == order.map { Int32($0.offset) })
            #expect(Array(gotValues[r * k ..< (r + 1) * k]) == order.map(\.element))
        }
        #expect(gotIds[k ..< 3 * k].allSatisfy { $0 == -1 } && gotValues[k ..< 3 * k].allSatisfy { $0.isNaN })

        let targets: [Int32] = [300, 0, 5, 999]
        let logprobs = try backend.makeBuffer(byteCount: 4 * rows, label: "lp")
        try backend.tokenLogprobs(TokenLogprobsOp(rows: rows, width: width), logits: xBuffer,
                                  targets: try backend.makeBuffer(targets, label: "t"), out: logprobs)
        let got: [Float] = try backend.read(logprobs, count: rows)
        let row3 = x[3 * width ..< 4 * width].map(Double.init), m = row3.max()!
        let want = row3[Int(targets[3])] - m - Foundation.log(row3.reduce(0) { $0 + exp($1 - m) })
        expectClose([got[3]], [want], tolerance: 2e-6, "token_logprobs")
        #expect(got[1].isNaN)
        expectNoValidationMessages(backend)
    }

    @Test("residual_steer and heads_edit follow the fused-update spec, guards included")
    func steering() throws {
        let backend = try Smoke.backend()
        let case_ = SteerCase.make()
        let x = try backend.makeBuffer(case_.x, label: "x")
        let trace = try backend.makeBuffer(byteCount: 16 * case_.plan.rows, label: "trace")
        let tables = try backend.makeSteerTables(case_.plan)
        try backend.residualSteer(ResidualSteerOp(rows: case_.plan.rows, width: case_.plan.width), x: x,
                                  delta: try backend.makeBuffer(case_.delta, label: "d"), tables: tables, trace: trace)
        let want = case_.reference(headsEdit: false)
        let got: [Float] = try backend.read(x, count: case_.x.count)
        #expect(got.allSatisfy { $0.isFinite })
        expectClose(got, want.x, scale: want.x.map { _ in 3 }, tolerance: 1e-5, "residual_steer")
        expectClose(try backend.read(trace, count: 4 * case_.plan.rows), want.trace, scale: want.trace.map { _ in 3 },
                    tolerance: 1e-5, "residual_steer trace")

        var editPlan = case_.plan
        editPlan.seqParams = editPlan.seqParams.map { var p = $0; p.flags &= VEER_STEER_ADD | VEER_STEER_UNITS; return p }
        let edit = SteerCase(x: case_.x, delta: case_.delta, plan: editPlan)
        let heads = try backend.makeBuffer(case_.x, label: "heads")
        try backend.headsEdit(HeadsEditOp(rows: editPlan.rows, width: editPlan.width), x: heads,
                              tables: try backend.makeSteerTables(editPlan, op: "heads_edit", allowSpherical: false))
        expectClose(try backend.read(heads, count: case_.x.count), edit.reference(headsEdit: true).x, tolerance: 1e-6, "heads_edit")
        expectNoValidationMessages(backend)
    }

    @Test("subgroup variants give the same bits as the plain ones", .enabled(if: Smoke.hasSubgroups))
    func subgroupVariants() throws {
        let plain = try Smoke.backend(Smoke.options(disabled: [.subgroups]))
        let fast = try Smoke.backend()
        #expect(!plain.usesSubgroups && fast.usesSubgroups)
        var results: [[Float]] = []
        for backend in [plain, fast] {
            var rng = SplitMix(state: 21)
            let (bytes, _) = makeWeights(.q4_1, n: 37, k: 320, rng: &rng)
            let x = try backend.makeBuffer(rng.floats(3 * 320, -3...3), label: "x")
            let y = try backend.makeBuffer(byteCount: 4 * 3 * 37, label: "y")
            try backend.matmul(MatmulOp(rows: 3, k: 320, n: 37, weightType: .q4_1), x: x, weights: try backend.makeBuffer(bytes, label: "w"), y: y)
            let norm = try backend.makeBuffer(byteCount: 4 * 3 * 320, label: "n")
            try backend.rmsnorm(RMSNormOp(rows: 3, width: 320, eps: 1e-6), x: x, weight: x, out: norm)
            try backend.softmax(SoftmaxOp(rows: 3, width: 320, log: true), x: norm, out: norm)
            let case_ = SteerCase.make()
            let steered = try backend.makeBuffer(case_.x, label: "steered")
            try backend.residualSteer(ResidualSteerOp(rows: case_.plan.rows, width: case_.plan.width), x: steered,
                                      delta: try backend.makeBuffer(case_.delta, label: "d"),
                                      tables: try backend.makeSteerTables(case_.plan), trace: nil)
            results.append(try backend.read(y, count: 3 * 37) + backend.read(norm, count: 3 * 320)
                           + backend.read(steered, count: case_.x.count))
            expectNoValidationMessages(backend)
        }
        #expect(bits(results[0]) == bits(results[1]))
    }

    @Test("a recorded step replays with new inputs, creating no Vulkan objects")
    func replay() throws {
        let backend = try Smoke.backend()
        var rng = SplitMix(state: 17)
        let (vocab, width) = (50, 64)
        let (bytes, _) = makeWeights(.q8_0, n: vocab, k: width, rng: &rng)
        let table = try backend.makeBuffer(bytes, label: "table")
        let token = try backend.makeBuffer([Int32(0)], label: "token")
        let hidden = try backend.makeBuffer(byteCount: 4 * width, label: "hidden")
        let logits = try backend.makeBuffer(byteCount: 4 * vocab, label: "logits")
        let next = try backend.makeBuffer(byteCount: 4, label: "next")
        func step() throws {
            try backend.embed(EmbedOp(rows: 1, width: width, vocab: vocab, tableType: .q8_0), ids: token, table: table, out: hidden)
            try backend.matmul(MatmulOp(rows: 1, k: width, n: vocab, weightType: .q8_0), x: hidden, weights: table, y: logits)
            try backend.argmax(ArgmaxOp(rows: 1, width: vocab), x: logits, ids: next)
        }
        var direct: [Int32] = []
        for t: Int32 in [3, 41] {
            try withUnsafeBytes(of: t) { try backend.write($0, to: token, at: 0) }
            try step()
            direct.append(try backend.read(next, as: Int32.self, count: 1)[0])
        }
        let recorded = try backend.record(step)
        #expect(recorded.dispatchCount == 3)
        let created = backend.context.objectCounter.totalCreated
        var replayed: [Int32] = []
        for t: Int32 in [3, 41] {
            try withUnsafeBytes(of: t) { try backend.write($0, to: token, at: 0) }
            try backend.replay(recorded)
            replayed.append(try backend.read(next, as: Int32.self, count: 1)[0])
        }
        #expect(replayed == direct)
        #expect(backend.context.objectCounter.totalCreated == created)
        #expect(throws: VulkanBackendError.self) { _ = try backend.record { try backend.synchronize() } }
        expectNoValidationMessages(backend)
    }
}

/// A residual-steer batch covering every branch: plain add, add + units + delta units, delta units without g,
/// a Spherical rotation, the antipodal guard, a zero row, a closed gate, an aligned row, and a Spherical sequence
/// on a row without the steer flag.
struct SteerCase {
    var x: [Float]
    var delta: [Float]
    var plan: SteerPlan

    static func make() -> SteerCase {
        var rng = SplitMix(state: 31)
        let width = 40
        let add = rng.floats(width)
        let raw = rng.floats(width).map(Double.init)
        let length = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let mu = raw.map { Float($0 / length) }
        var params = [VeerSteerSeqParams](repeating: .none, count: 5)
        params[1].flags = VEER_STEER_ADD | VEER_STEER_UNITS | VEER_STEER_DELTA_UNITS
        params[1].addAlpha = 0.7; params[1].addVector = 0
        params[1].unitAlpha = 0.5; params[1].unitOffset = 0; params[1].unitCount = 2
        params[1].deltaUnitAlpha = 2; params[1].deltaUnitOffset = 2; params[1].deltaUnitCount = 2
        for s in 2...4 {
            params[s].flags = VEER_STEER_SPHERICAL
            params[s].sphAlpha = 0.8; params[s].sphKappa = 20; params[s].sphBeta = -1; params[s].sphMu = 1
        }
        params[3].flags |= VEER_STEER_ADD; params[3].addAlpha = 0; params[3].addVector = 0
        params[4].sphBeta = 0.9   // the gate stays closed
        let steer = VEER_ROW_STEER, edit = VEER_ROW_EDIT_DELTA
        let rows: [(seq: Int32, flags: UInt32, x: [Float]?)] = [
            (0, steer, nil), (1, steer | edit, nil), (1, edit, nil), (2, steer, nil),
            (3, steer, mu.map { -3 * $0 }), (2, steer, [Float](repeating: 0, count: width)), (4, steer, nil),
            (2, 0, nil), (2, steer, mu.map { 2 * $0 }),
        ]
        var x: [Float] = [], delta: [Float] = []
        for row in rows {
            x += row.x ?? rng.floats(width)
            delta += row.x == nil ? rng.floats(width, -0.5...0.5) : [Float](repeating: 0, count: width)
        }
        let plan = SteerPlan(width: width, rowSeq: rows.map(\.seq), rowFlags: rows.map(\.flags), seqParams: params,
                             vectors: add + mu, unitIndex: [3, 7, 3, 10], unitCoef: [1, -0.4, 0.5, 1])
        return SteerCase(x: x, delta: delta, plan: plan)
    }

    /// The spec (COMMON.md, steering-methods.md sections 2.2, 2.3, 4) in Double: x after the update, and the trace.
    func reference(headsEdit: Bool) -> (x: [Double], trace: [Double]) {
        let width = plan.width
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        func units(_ offset: UInt32, _ count: UInt32) -> [(Int, Double)] {
            (Int(offset)..<Int(offset + count)).map { (Int(plan.unitIndex[$0]), Double(plan.unitCoef[$0])) }
        }
        var out: [Double] = [], trace: [Double] = []
        for r in 0..<plan.rows {
            let p = plan.seqParams[Int(plan.rowSeq[r])], flags = plan.rowFlags[r]
            var v = x[r * width ..< (r + 1) * width].map(Double.init)
            if !headsEdit {
                var d = delta[r * width ..< (r + 1) * width].map(Double.init)
                if flags & VEER_ROW_EDIT_DELTA != 0, p.flags & VEER_STEER_DELTA_UNITS != 0 {
                    for (i, b) in units(p.deltaUnitOffset, p.deltaUnitCount) { d[i] *= 1 + Double(p.deltaUnitAlpha) * b }
                }
                for i in 0..<width { v[i] += d[i] }
            }
            var row = [0, norm(v), norm(v), 0.0]
            if flags & VEER_ROW_STEER != 0 {
                if p.flags & VEER_STEER_ADD != 0 {
                    for i in 0..<width { v[i] += Double(p.addAlpha) * Double(plan.vectors[Int(p.addVector) * width + i]) }
                }
                if p.flags & VEER_STEER_UNITS != 0 {
                    for (i, b) in units(p.unitOffset, p.unitCount) { v[i] *= 1 + Double(p.unitAlpha) * b }
                }
                let n = norm(v)
                row = [0, n, n, 0]
                if p.flags & VEER_STEER_SPHERICAL != 0, n > 0 {
                    let mu = plan.vectors[Int(p.sphMu) * width ..< (Int(p.sphMu) + 1) * width].map(Double.init)
                    let xh = v.map { $0 / n }
                    let c = min(1, max(-1, zip(xh, mu).reduce(0) { $0 + $1.0 * $1.1 }))
                    let gate = -tanh(Double(p.sphKappa) * c), beta = Double(p.sphBeta)
                    let t = gate > beta ? min(1, max(0, Double(p.sphAlpha) * (gate - beta) / (1 - beta))) : 0
                    let perp = zip(xh, mu).map { $0 - c * $1 }, s = norm(perp), theta = atan2(s, c)
                    row[3] = c
                    if t > 0, theta >= 1e-4 {
                        var u = perp.map { $0 / s }
                        if Double.pi - theta < 1e-4 {
                            let k = mu.indices.min { (abs(mu[$0]), $0) < (abs(mu[$1]), $1) }!
                            u = mu.enumerated().map { ($0.offset == k ? 1 : 0) - mu[k] * $0.element }
                            let un = norm(u)
                            u = u.map { $0 / un }
                        }
                        let rotated = (1 - t) * theta
                        v = (0..<width).map { n * (cos(rotated) * mu[$0] + sin(rotated) * u[$0]) }
                        row = [t, n, norm(v), c]
                    }
                }
            }
            out += v
            trace += row
        }
        return (out, trace)
    }
}
