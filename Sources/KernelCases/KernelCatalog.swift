import Kernels

/// The named cases, in two sets that share their definitions:
/// - `small`: odd shapes, sizes that are not multiples of a workgroup, every weight type and every awkward row kind;
///   quick enough for the parity tests on lavapipe (a CPU Vulkan driver).
/// - `realistic`: SmolLM2-135M's shapes (d = 576, ff = 1536, 9 query and 3 KV heads of 64, vocab 49152), for
///   `veer bench kernels` and the benchmarks.
///
/// Shape order in names: matvec k×n; matmul and norm_matmul (rows×)k×n; embed vocab×width; rope, rope_store, attention
/// rows×heads(×kvHeads)×headDim; residual_steer and heads_edit width×rows; everything else rows×width, with the rows
/// left out when there is one.
///
/// The newer architectures' options have cases of their own (Gemma 3: NEOX RoPE, sliding-window attention with
/// heads of 256, a scaled embedding, tanh-GELU; Qwen2: QKV biases; Llama 3: RoPE frequency factors).
public enum KernelCatalog {
    public static let small: [any KernelCase] = {
        var cases: [any KernelCase] = []
        for dtype in DType.allCases where dtype.blockSize <= 32 {
            cases.append(MatmulCase(rows: 1, k: 96, n: 33, dtype: dtype))
            cases.append(MatmulCase(rows: 5, k: 96, n: 33, dtype: dtype))
            cases.append(MatmulCase(rows: 3, k: 160, n: 70, dtype: dtype))
            cases.append(EmbedCase(rows: 7, width: 64, vocab: 100, dtype: dtype))
        }
        // The K types' rows are whole 256-weight super-blocks: one and two of them.
        for dtype in DType.allCases where dtype.blockSize == 256 {
            cases.append(MatmulCase(rows: 1, k: 256, n: 33, dtype: dtype))
            cases.append(MatmulCase(rows: 5, k: 512, n: 33, dtype: dtype))
            cases.append(EmbedCase(rows: 7, width: 256, vocab: 50, dtype: dtype))
        }
        cases += gemma
        // k that no vector width divides: only the float types allow it.
        for dtype in [DType.f32, .f16] {
            cases.append(MatmulCase(rows: 1, k: 37, n: 19, dtype: dtype))
            cases.append(MatmulCase(rows: 4, k: 37, n: 19, dtype: dtype))
        }
        // The input norm fused into the matmul: one row (the fused decode mat-vec on Vulkan) and a batch, for every
        // type; k over twice rmsnorm's widest workgroup (512), so each norm lane sums several squares.
        for dtype in DType.allCases {
            let k = dtype.blockSize == 256 ? 256 : 96
            cases.append(NormMatmulCase(rows: 1, k: k, n: 33, dtype: dtype))
            cases.append(NormMatmulCase(rows: 4, k: k, n: 33, dtype: dtype))
        }
        cases.append(NormMatmulCase(rows: 1, k: 577, n: 19, dtype: .f32))
        cases.append(NormMatmulCase(rows: 1, k: 576, n: 67, dtype: .q4_1))
        cases += overSplitMinimum
        cases.append(MatmulCase(rows: 3, k: 64, n: 17, dtype: .q4_1, xOffset: 7, yOffset: 5))
        cases.append(MatmulCase(rows: 2, k: 64, n: 17, dtype: .f32, xOffset: 3, yOffset: 11))
        cases += [
            RMSNormCase(rows: 1, width: 577), RMSNormCase(rows: 3, width: 37), RMSNormCase(rows: 2, width: 100, inPlace: true),
            RopeCase(rows: 4, nHeads: 3, headDim: 16),
            RopeCase(qkvRows: 3, nHeads: 3, headDim: 16, nRot: 12, extraHeads: 2, headOffset: 0),
            RopeCase(rows: 4, nHeads: 3, headDim: 16, style: .neox),
            RopeCase(rows: 3, nHeads: 2, headDim: 16, freqFactors: true),
            RopeCase(qkvRows: 3, nHeads: 3, headDim: 16, nRot: 12, extraHeads: 2, headOffset: 0, style: .neox,
                     freqFactors: true),
            SwigluCase(count: 1), SwigluCase(count: 1537), SwigluCase(stackedRows: 3, width: 97),
            SwigluCase(count: 1537, activation: .geluTanh),
            SwigluCase(stackedRows: 3, width: 97, activation: .geluTanh),
            BiasAddCase(rows: 3, width: 37), BiasAddCase(qkvRows: 3, width: 24, rowStride: 96, offset: 64),
            SoftmaxCase(rows: 3, width: 1001), SoftmaxCase(rows: 2, width: 1), SoftmaxCase(rows: 1, width: 4097),
            SoftmaxCase(rows: 3, width: 1001, log: true),
            KVStoreCase(rows: 5, cache: KVCacheShape(slots: 2, ctx: 8, nKVHeads: 3, headDim: 16)),
            KVStoreCase(fusedRows: 3, cache: KVCacheShape(slots: 3, ctx: 5, nKVHeads: 2, headDim: 8), qWidth: 32),
            RopeStoreCase(rows: 4, nHeads: 6, cache: KVCacheShape(slots: 2, ctx: 8, nKVHeads: 2, headDim: 16)),
            RopeStoreCase(qkvRows: 3, nHeads: 3, cache: KVCacheShape(slots: 3, ctx: 5, nKVHeads: 1, headDim: 16), nRot: 12),
            RopeStoreCase(rows: 4, nHeads: 4, cache: KVCacheShape(slots: 2, ctx: 8, nKVHeads: 2, headDim: 16),
                          style: .neox),
            RopeStoreCase(qkvRows: 3, nHeads: 3, cache: KVCacheShape(slots: 2, ctx: 5, nKVHeads: 1, headDim: 16),
                          nRot: 12, freqFactors: true),
            // NEOX with nRot < headDim: the key items past the rotated pairs copy the tail.
            RopeStoreCase(qkvRows: 3, nHeads: 4, cache: KVCacheShape(slots: 3, ctx: 6, nKVHeads: 1, headDim: 32),
                          nRot: 24, style: .neox, freqFactors: true),
            // The scorer's prompt sharing: the source before and after its targets, every position or a prefix
            // (the rest of each target slot must stay), a slot's copy spanning several workgroups.
            KVCopyCase(cache: KVCacheShape(slots: 4, ctx: 6, nKVHeads: 2, headDim: 8), positions: 6, sourceSlot: 0,
                       firstTarget: 1, targetCount: 3),
            KVCopyCase(cache: KVCacheShape(slots: 4, ctx: 7, nKVHeads: 3, headDim: 8), positions: 4, sourceSlot: 3,
                       firstTarget: 0, targetCount: 3),
            KVCopyCase(cache: KVCacheShape(slots: 5, ctx: 40, nKVHeads: 3, headDim: 8), positions: 37, sourceSlot: 1,
                       firstTarget: 2, targetCount: 2),
            AttentionCase.decode(positions: [0, 9, 30], nHeads: 6, nKVHeads: 2, headDim: 16, ctx: 32),
            AttentionCase.decode(positions: [5, 2], nHeads: 4, nKVHeads: 4, headDim: 8, ctx: 7),
            AttentionCase.decode(positions: [39, 17], nHeads: 9, nKVHeads: 3, headDim: 64, ctx: 40),
            AttentionCase.prefill(blocks: [(start: 0, count: 7)], nHeads: 6, nKVHeads: 2, headDim: 16, ctx: 9),
            AttentionCase.prefill(blocks: [(start: 5, count: 6), (start: 0, count: 3)], nHeads: 4, nKVHeads: 1,
                                  headDim: 8, ctx: 12),
            // Gemma 3's heads (4 query heads on 1 KV head of 256), alone and with a window shorter than the positions.
            AttentionCase.decode(positions: [40, 0], nHeads: 4, nKVHeads: 1, headDim: 256, ctx: 41),
            AttentionCase.decode(positions: [0, 9, 20], nHeads: 4, nKVHeads: 1, headDim: 256, ctx: 24, window: 8),
            AttentionCase.prefill(blocks: [(start: 3, count: 9), (start: 0, count: 4)], nHeads: 4, nKVHeads: 2,
                                  headDim: 16, ctx: 14, window: 5),
            EmbedCase(rows: 7, width: 64, vocab: 100, dtype: .q8_0, scale: Float(640).squareRoot()),
            EmbedCase(rows: 5, width: 64, vocab: 100, dtype: .f32, scale: Float(640).squareRoot()),
            ArgmaxCase(rows: 9, width: 1000), ArgmaxCase(rows: 18, width: 33), ArgmaxCase(rows: 1, width: 4099),
            TopKCase(rows: 9, width: 1000, k: 5), TopKCase(rows: 9, width: 50, k: 50), TopKCase(rows: 2, width: 300, k: 1),
            TokenLogprobsCase(rows: 5, width: 1001),
            RowHealthCase(rows: 9, width: 1000), RowHealthCase(rows: 18, width: 33), RowHealthCase(rows: 1, width: 4099),
        ]
        for variant in SteerScenario.Variant.allCases {
            cases.append(ResidualSteerCase(variant, width: 100, rows: 11))
        }
        cases.append(ResidualSteerCase(.spherical, width: 576, rows: 7))
        cases.append(ResidualSteerCase(.mixed, width: 576, rows: 13))
        for variant in SteerScenario.HeadsVariant.allCases {
            cases.append(HeadsEditCase(variant, nHeads: 6, headDim: 16, rows: 7))
        }
        return cases
    }()

    /// Cases (in `small`) with a binding over 64 KiB, `VulkanOptions.minimumSplitBindingBytes`: `tools/test` reruns
    /// the parity suite with VEER_VK_MAX_BINDING_BYTES=65536, where the weights and tables must be split across
    /// bindings (q8_0 rows of 102 bytes also test the offset alignment) and the KV cache and logits rows, which are
    /// never split, must still run.
    public static let overSplitMinimum: [any KernelCase] = [
        MatmulCase(rows: 2, k: 256, n: 97, dtype: .f32), MatmulCase(rows: 2, k: 96, n: 700, dtype: .q8_0),
        MatmulCase(rows: 1, k: 1024, n: 130, dtype: .q4_1),
        EmbedCase(rows: 5, width: 64, vocab: 300, dtype: .f32), EmbedCase(rows: 6, width: 64, vocab: 2000, dtype: .q4_0),
        AttentionCase.decode(positions: [299, 40], nHeads: 3, nKVHeads: 1, headDim: 64, ctx: 300),   // 150 KiB cache
        // Windows spanning several chunks of both attention kernels, from starts inside a chunk (77 KiB caches).
        AttentionCase.decode(positions: [200, 12, 39], nHeads: 4, nKVHeads: 2, headDim: 16, ctx: 201, window: 140),
        // Heads of 256 over 300 positions: 76800 multiply-adds per dot-product loop, past llvmpipe's limit of 65535
        // iterations per loop that attention_serial.comp's unrolled blocks keep it under (300 KiB cache).
        AttentionCase.decode(positions: [299, 3], nHeads: 2, nKVHeads: 1, headDim: 256, ctx: 300),
        SoftmaxCase(rows: 1, width: 20000), ArgmaxCase(rows: 1, width: 20000),                  // 78 KiB rows
        KVCopyCase(cache: KVCacheShape(slots: 3, ctx: 100, nKVHeads: 1, headDim: 64), positions: 90, sourceSlot: 2,
                   firstTarget: 0, targetCount: 2),                                             // 75 KiB caches
    ]

    /// Gemma 3 270M Q4_K_M's projections (width 640, query width 1024, ff 2048), one decode row and a 5-row
    /// prefill each, in the types that file stores them in: q5_0 attn_q (640 -> 1024) and attn_k (640 -> 256) as
    /// well as ffn_gate / ffn_up, q4_k attn_output (1024 -> 640), q6_k ffn_down (2048 -> 640); q5_k at k 256...512.
    /// In `small`, so the parity tests run them on lavapipe too; the 5-row q6_k case is the slowest there.
    public static let gemma: [any KernelCase] = {
        var cases: [any KernelCase] = []
        for (k, n, dtype) in [(640, 1024, DType.q5_0), (640, 256, .q5_0), (1024, 640, .q4_k), (2048, 640, .q6_k),
                              (512, 96, .q5_k)] {
            cases.append(MatmulCase(rows: 1, k: k, n: n, dtype: dtype))
            cases.append(MatmulCase(rows: 5, k: k, n: n, dtype: dtype))
        }
        cases.append(NormMatmulCase(rows: 1, k: 640, n: 256, dtype: .q5_0))
        return cases
    }()

    /// SmolLM2-135M's shapes.
    public static let realistic: [any KernelCase] = {
        let d = 576, ff = 1536, vocab = 49152, heads = 9, kvHeads = 3, headDim = 64
        let kvWidth = kvHeads * headDim
        var cases: [any KernelCase] = []
        // d = 576 is no whole number of the K types' 256-weight blocks: their shapes are Gemma's (`gemma`).
        for dtype in DType.allCases where dtype.blockSize <= 32 {
            cases += [
                MatmulCase(rows: 1, k: d, n: ff, dtype: dtype),          // ffn gate / up
                MatmulCase(rows: 1, k: ff, n: d, dtype: dtype),          // ffn down
                MatmulCase(rows: 1, k: d, n: d + 2 * kvWidth, dtype: dtype),   // fused QKV
                MatmulCase(rows: 64, k: d, n: ff, dtype: dtype),         // prefill of 64 tokens
            ]
        }
        for dtype in [DType.f32, .f16, .q8_0] {
            cases.append(MatmulCase(rows: 1, k: d, n: vocab, dtype: dtype))   // output head
        }
        // Gemma 3 270M's FFN (width 640, ff 2048) and a 64-token prefill of each K-type projection; its other decode
        // shapes are in `gemma`.
        cases += [MatmulCase(rows: 1, k: 640, n: 2048, dtype: .q5_0), MatmulCase(rows: 64, k: 640, n: 2048, dtype: .q5_0),
                  MatmulCase(rows: 64, k: 1024, n: 640, dtype: .q4_k), MatmulCase(rows: 64, k: 2048, n: 640, dtype: .q6_k)]
        // The decode mat-vecs that take a norm's output: attention norm + QKV, FFN norm + gate|up, final norm + head.
        cases += [NormMatmulCase(rows: 1, k: d, n: d + 2 * kvWidth, dtype: .q4_1),
                  NormMatmulCase(rows: 1, k: d, n: 2 * ff, dtype: .q4_1),
                  NormMatmulCase(rows: 1, k: d, n: vocab, dtype: .q8_0)]
        for dtype in [DType.f32, .q8_0, .q4_1] {
            cases.append(EmbedCase(rows: 64, width: d, vocab: vocab, dtype: dtype))
        }
        let cache = KVCacheShape(slots: 1, ctx: 512, nKVHeads: kvHeads, headDim: headDim)
        cases += [
            RMSNormCase(rows: 1, width: d), RMSNormCase(rows: 64, width: d),
            RopeCase(rows: 1, nHeads: heads, headDim: headDim), RopeCase(rows: 64, nHeads: heads, headDim: headDim),
            SwigluCase(count: ff), SwigluCase(count: 64 * ff), SwigluCase(stackedRows: 64, width: ff),
            SoftmaxCase(rows: 1, width: vocab), SoftmaxCase(rows: 1, width: vocab, log: true),
            KVStoreCase(rows: 1, cache: cache), KVStoreCase(rows: 64, cache: cache),
            // The forward pass's RoPE and cache write, out of the fused QKV rows.
            RopeStoreCase(qkvRows: 1, nHeads: heads, cache: cache, nRot: headDim, freqScale: 1),
            RopeStoreCase(qkvRows: 64, nHeads: heads, cache: cache, nRot: headDim, freqScale: 1),
            // A 200-token prompt shared by four answer options.
            KVCopyCase(cache: KVCacheShape(slots: 5, ctx: 512, nKVHeads: kvHeads, headDim: headDim), positions: 200,
                       sourceSlot: 0, firstTarget: 1, targetCount: 4),
            AttentionCase.decode(positions: [511], nHeads: heads, nKVHeads: kvHeads, headDim: headDim, ctx: 512),
            AttentionCase.decode(positions: [100, 300, 511, 7], nHeads: heads, nKVHeads: kvHeads, headDim: headDim,
                                 ctx: 512),
            AttentionCase.prefill(blocks: [(start: 0, count: 64)], nHeads: heads, nKVHeads: kvHeads, headDim: headDim,
                                  ctx: 512),
            ArgmaxCase(rows: 1, width: vocab), TopKCase(rows: 1, width: vocab, k: 40),
            TokenLogprobsCase(rows: 8, width: vocab), RowHealthCase(rows: 1, width: vocab),
            // One decode row per steering kind: add (additive, ITI at resid_post), unit scaling of the residual
            // and of the FFN delta (AUSteer at resid_post and mlp_out), Spherical; heads_edit for ITI and AUSteer
            // on the attention heads.
            ResidualSteerCase(.add, width: d, rows: 1), ResidualSteerCase(.units, width: d, rows: 1),
            ResidualSteerCase(.deltaUnits, width: d, rows: 1), ResidualSteerCase(.spherical, width: d, rows: 1),
            ResidualSteerCase(.mixed, width: d, rows: 64),
            HeadsEditCase(.add, nHeads: heads, headDim: headDim, rows: 1),
            HeadsEditCase(.units, nHeads: heads, headDim: headDim, rows: 1),
        ]
        cases += newerArchitectures
        return cases
    }()

    /// The newer architectures' shapes: Gemma 3 270M (d = 640, ff = 2048, 4 query heads on 1 KV head of 256, NEOX
    /// RoPE with base 10⁶, a 512-position window), Qwen2-0.5B's QKV bias (d = 896, 2 KV heads of 64) and a Llama 3.2
    /// 1B rotation with frequency factors (32 query and 8 KV heads of 64, base 500000).
    static let newerArchitectures: [any KernelCase] = {
        let gemma = KVCacheShape(slots: 1, ctx: 1024, nKVHeads: 1, headDim: 256)
        let llama3 = KVCacheShape(slots: 1, ctx: 512, nKVHeads: 8, headDim: 64)
        let qwenWidth = 896, qwenQKV = 896 + 2 * 128
        return [
            EmbedCase(rows: 64, width: 640, vocab: 49152, dtype: .q8_0, scale: Float(640).squareRoot()),
            SwigluCase(count: 2048, activation: .geluTanh),
            SwigluCase(stackedRows: 64, width: 2048, activation: .geluTanh),
            RopeStoreCase(qkvRows: 1, nHeads: 4, cache: gemma, nRot: 256, freqBase: 1_000_000, freqScale: 1,
                          style: .neox),
            RopeStoreCase(qkvRows: 64, nHeads: 4, cache: gemma, nRot: 256, freqBase: 1_000_000, freqScale: 1,
                          style: .neox),
            RopeStoreCase(qkvRows: 1, nHeads: 32, cache: llama3, nRot: 64, freqBase: 500_000, freqScale: 1,
                          freqFactors: true),
            AttentionCase.decode(positions: [1023], nHeads: 4, nKVHeads: 1, headDim: 256, ctx: 1024, window: 512),
            AttentionCase.prefill(blocks: [(start: 900, count: 64)], nHeads: 4, nKVHeads: 1, headDim: 256, ctx: 1024,
                                  window: 512),
            BiasAddCase(rows: 1, width: qwenQKV), BiasAddCase(rows: 64, width: qwenQKV),
            BiasAddCase(qkvRows: 64, width: 128, rowStride: qwenQKV, offset: qwenWidth),
        ]
    }()

    /// Both sets; names are unique across them.
    /// `Precision.q8` matmuls (`Q8MatmulCase`) for backends made with `precision: .q8`: every quantized weight type at
    /// SmolLM2's k (576, 1536), one row and several; plus the decode shapes for `veer bench kernels`-style timing.
    public static let q8: [any KernelCase] = {
        var cases: [any KernelCase] = []
        for dtype in [DType.q4_1, .q4_0, .q8_0, .q5_0] {
            for (k, n) in [(576, 67), (1536, 45)] {
                cases.append(Q8MatmulCase(rows: 1, k: k, n: n, dtype: dtype))
                cases.append(Q8MatmulCase(rows: 5, k: k, n: n, dtype: dtype))
            }
        }
        return cases
    }()

    /// The q8 matmuls at SmolLM2's decode shapes (one row): the projections in q4_1 and the tied output head in q8_0.
    public static let q8Decode: [any KernelCase] = [
        Q8MatmulCase(rows: 1, k: 576, n: 576, dtype: .q4_1), Q8MatmulCase(rows: 1, k: 576, n: 192, dtype: .q4_1),
        Q8MatmulCase(rows: 1, k: 576, n: 1536, dtype: .q4_1), Q8MatmulCase(rows: 1, k: 1536, n: 576, dtype: .q4_1),
        Q8MatmulCase(rows: 1, k: 576, n: 49152, dtype: .q8_0),
    ]

    public static var all: [any KernelCase] { small + realistic }

    /// The case with this name in either set.
    public static func named(_ name: String) -> (any KernelCase)? { all.first { $0.name == name } }
}
