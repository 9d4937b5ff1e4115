/// The arithmetic a run uses. The precision mode, never the device's capabilities, chooses it.
/// `f32`: no activation, KV-cache value or accumulator is held in fp16 or int8 on any backend; the exact path that
/// the F32 goldens check.
/// `q8`: llama.cpp's CPU arithmetic. Every matmul with q4_0, q4_1, q5_0 or q8_0 weights (`DType.hasQ8Kernel`) rounds its
/// input rows to 8-bit blocks of 32 (q = round(x/d), d = amax/127 and s = d·Σq held as f16), sums each block's
/// products in integers and scales them in f32. The other quantized types (q5_1 and the K types: no integer
/// kernel yet) and float weights take the f32 matmul; norms, attention, the KV cache, steering and logits stay f32.
/// Checked against llama.cpp's own logits (tolerance class `reduced`). A CPU mode for now.
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

extension DType {
    /// Whether `Precision.q8` has an integer kernel for this weight type (q4_0, q4_1, q5_0, q8_0). The other types
    /// run the f32 matmul in that mode too, on every backend and in the reference.
    public var hasQ8Kernel: Bool {
        switch self {
        case .q4_0, .q4_1, .q5_0, .q8_0: return true
        case .f32, .f16, .q5_1, .q4_k, .q5_k, .q6_k, .q8_k: return false
        }
    }
}
