/// The arithmetic a run uses. The precision mode, never the device's capabilities, chooses it.
/// `f32`: no activation, KV-cache value or accumulator is held in fp16 or int8 on any backend; the exact path that
/// the F32 goldens check. Faster reduced-precision variants will be further cases with their own tolerance class.
public enum Precision: String, Sendable, CaseIterable {
    case f32
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
