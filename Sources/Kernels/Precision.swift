/// The arithmetic a run uses. The precision mode, never the device's capabilities, chooses it.
/// `f32`: no activation, KV-cache value or accumulator is held in fp16 or int8 on any backend; the exact path that
/// the F32 goldens check.
/// `q8`: llama.cpp's CPU arithmetic. Every matmul with quantized weights (q4_0, q4_1, q8_0) rounds its input rows to
/// 8-bit blocks of 32 (q = round(x/d), d = amax/127 and s = d·Σq held as f16), sums each block's products in integers
/// and scales them in f32; float weights, norms, attention, the KV cache, steering and logits stay f32. Checked against
/// llama.cpp's own logits (tolerance class `reduced`). A CPU mode for now.
public enum Precision: String, Sendable, CaseIterable {
    case f32
    case q8
}

/// Tolerance classes (NMSE ceilings against the plain f64 reference; NMSE = mse(a, b) / mse(a, 0)).
public enum ToleranceClass: String, Sendable {
    /// Element-wise and normalisation ops.
    case elementwise
    /// f32 matmul, attention and the Spherical rotation.
    case reduction
    /// Reduced-precision variants (fp16, int8).
    case reduced
    /// Ids (argmax, topk): compared exactly.
    case exact

    public var nmseCeiling: Double {
        switch self {
        case .elementwise: return 1e-7
        case .reduction: return 1e-6
        case .reduced: return 5e-4
        case .exact: return 0
        }
    }
}
