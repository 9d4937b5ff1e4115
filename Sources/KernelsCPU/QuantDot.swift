import CPUQuantDot
import Kernels

/// The integer kernels of `Precision.q8` (C target CPUQuantDot): activation rows quantized to 8-bit blocks, then
/// integer dot products with the weights in their stored format. The fastest ISA variant the CPU has runs; every
/// variant gives the same bits (one fixed order per output, see veer_quant_dot.h).
public enum QuantDot {
    /// The implementations, fastest last.
    public enum Variant: CaseIterable, Sendable {
        case scalar, avx2, avx512VNNI

        var c: veer_q8_variant {
            switch self {
            case .scalar: return VEER_Q8_SCALAR
            case .avx2: return VEER_Q8_AVX2
            case .avx512VNNI: return VEER_Q8_AVX512_VNNI
            }
        }

        /// "scalar", "avx2" or "avx512-vnni".
        public var name: String { String(cString: veer_q8_variant_name(c)) }
        public var isAvailable: Bool { veer_q8_variant_available(c) != 0 }
    }

    /// The variant `matmul` runs on this CPU.
    public static var activeVariant: Variant {
        let active = veer_q8_active_variant()
        return Variant.allCases.first { $0.c == active } ?? .scalar
    }

    public static var activeVariantName: String { activeVariant.name }

    /// The weight types the integer path handles (`DType.hasQ8Kernel`); nil for float weights and the quantized
    /// types without an integer kernel (q5_1, the K types), which take the f32 kernels.
    static func weightType(_ type: DType) -> veer_qweight_type? {
        switch type {
        case .q4_0: return VEER_QWEIGHT_Q4_0
        case .q4_1: return VEER_QWEIGHT_Q4_1
        case .q5_0: return VEER_QWEIGHT_Q5_0
        case .q8_0: return VEER_QWEIGHT_Q8_0
        case .f32, .f16, .q5_1, .q4_k, .q5_k, .q6_k, .q8_k: return nil
        }
    }

    /// Quantized activations: q [rows, k] int8, d and s [rows, k/32] (f16 values held as f32).
    public struct Activations {
        public var q: [Int8]
        public var d: [Float]
        public var s: [Float]
    }

    /// Quantizes x [rows, k] (k a multiple of 32) as `Precision.q8` does.
    public static func quantize(_ x: [Float], rows: Int, k: Int) -> Activations {
        precondition(k % 32 == 0 && x.count >= rows * k, "quantize: k must be a multiple of 32 and x hold rows·k floats")
        var out = Activations(q: [Int8](repeating: 0, count: rows * k), d: [Float](repeating: 0, count: rows * k / 32),
                              s: [Float](repeating: 0, count: rows * k / 32))
        veer_q8_quantize_rows(x, Int32(rows), Int32(k), &out.q, &out.d, &out.s)
        return out
    }

    /// y [rows, n] = quantized x · Wᵀ with one named variant (tests compare the variants); W [n, k] in `type`.
    public static func matmul(variant: Variant, type: DType, weights: [UInt8], n: Int, k: Int, rows: Int,
                              x: Activations) -> [Float] {
        guard let weightType = weightType(type) else { preconditionFailure("q8 matmul needs quantized weights, got \(type)") }
        precondition(variant.isAvailable, "variant \(variant.name) is not available on this CPU")
        var y = [Float](repeating: 0, count: rows * n)
        veer_q8_matmul_variant(variant.c, weightType, weights, type.rowBytes(k), Int32(k), 0, Int32(n), Int32(rows),
                               x.q, x.d, x.s, &y, n)
        return y
    }
}
