/// Storage formats a weight tensor can have, with GGML's type ids (the GGUF tensor `type` field).
///
/// Block layouts (little-endian), per 32 weights unless noted:
/// - `f32`: 4 bytes per weight; `f16`: IEEE half, 2 bytes per weight.
/// - `q8_0`: f16 d, then 32 int8 q; w = d * q. 34 bytes.
/// - `q4_0`: f16 d, then 16 bytes; byte j holds weight j in its low nibble and weight j+16 in its high nibble;
///   w = d * (nibble - 8). 18 bytes.
/// - `q4_1`: f16 d, f16 m, then 16 bytes as in q4_0; w = d * nibble + m. 20 bytes.
/// - `q5_0`: f16 d, u32 qh (bit j: the fifth bit of weight j), then 16 bytes of low nibbles as in q4_0;
///   w = d * ((nibble | bit << 4) - 16). 22 bytes.
/// - `q5_1`: f16 d, f16 m, u32 qh, 16 bytes as in q5_0; w = d * (nibble | bit << 4) + m. 24 bytes.
///
/// The K types have super-blocks of 256 weights:
/// - `q4_k`: f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins for 8 sub-blocks of 32, then 128 bytes;
///   bytes 32c..<32c+32 hold sub-block 2c in their low nibbles and 2c+1 in their high nibbles. Scale/min j < 4:
///   scales[j] & 63 / scales[j+4] & 63; j >= 4: (scales[j+4] & 15) | (scales[j-4] >> 6) << 4 /
///   (scales[j+4] >> 4) | (scales[j] >> 6) << 4. w = (d * sc) * q - dmin * m. 144 bytes.
/// - `q5_k`: f16 d, f16 dmin, 12 scale bytes as q4_k, 32 bytes qh (bit s of byte l: the fifth bit of weight l of
///   sub-block s), then 128 bytes of low nibbles as q4_k; w = (d * sc) * (nibble | bit << 4) - dmin * m. 176 bytes.
/// - `q6_k`: 128 bytes ql, 64 bytes qh, 16 int8 scales (one per 16 weights), f16 d. In each half h of 128 weights,
///   weight 32g + l (g < 4, l < 32) has its low 4 bits in ql[64h + 32(g & 1) + l] (nibble g >> 1) and its high 2
///   bits at bit 2g of qh[32h + l]; w = (d * scale) * (q - 32). 210 bytes.
/// - `q8_k`: f32 d, 256 int8 q, 16 int16 bsums (sums of 16 q each, unused for dequantization); w = d * q.
///   292 bytes.
public enum DType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q4_k = 12
    case q5_k = 13
    case q6_k = 14
    case q8_k = 15

    /// Weights per block: 1 for the float types, 32 for the quantized ones, 256 for the K types.
    public var blockSize: Int {
        switch self {
        case .f32, .f16: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: return 32
        case .q4_k, .q5_k, .q6_k, .q8_k: return 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q4_k: return 144
        case .q5_k: return 176
        case .q6_k: return 210
        case .q8_k: return 292
        }
    }

    public var isQuantized: Bool { blockSize > 1 }

    /// Bytes of one row of `k` weights. `k` must be a multiple of `blockSize` (checked by `checkRowLength`).
    public func rowBytes(_ k: Int) -> Int { (k / blockSize) * blockBytes }

    /// Throws unless a row of `k` weights is a whole number of blocks.
    public func checkRowLength(_ k: Int, op: String) throws {
        guard k > 0, k % blockSize == 0 else {
            throw KernelError.invalidShape(
                op: op, detail: "a \(self) row needs a positive multiple of \(blockSize) weights, got k = \(k)")
        }
    }

    public var description: String {
        switch self {
        case .f32: return "f32"
        case .f16: return "f16"
        case .q4_0: return "q4_0"
        case .q4_1: return "q4_1"
        case .q5_0: return "q5_0"
        case .q5_1: return "q5_1"
        case .q8_0: return "q8_0"
        case .q4_k: return "q4_k"
        case .q5_k: return "q5_k"
        case .q6_k: return "q6_k"
        case .q8_k: return "q8_k"
        }
    }

    public init?(name: String) {
        guard let match = DType.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }
}
