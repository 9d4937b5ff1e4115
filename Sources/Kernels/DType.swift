/// Storage formats a weight tensor can have, with GGML's type ids (the GGUF tensor `type` field).
///
/// Block layouts (little-endian), per 32 weights unless noted:
/// - `f32`: 4 bytes per weight; `f16`: IEEE half, 2 bytes per weight.
/// - `q8_0`: f16 d, then 32 int8 q; w = d * q. 34 bytes.
/// - `q4_0`: f16 d, then 16 bytes; byte j holds weight j in its low nibble and weight j+16 in its high nibble;
///   w = d * (nibble - 8). 18 bytes.
/// - `q4_1`: f16 d, f16 m, then 16 bytes as in q4_0; w = d * nibble + m. 20 bytes.
public enum DType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q8_0 = 8

    /// Weights per block: 1 for the float types, 32 for the quantized ones.
    public var blockSize: Int {
        switch self {
        case .f32, .f16: return 1
        case .q4_0, .q4_1, .q8_0: return 32
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q8_0: return 34
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
        case .q8_0: return "q8_0"
        }
    }

    public init?(name: String) {
        guard let match = DType.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }
}
