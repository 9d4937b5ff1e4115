import Kernels

/// A ggml tensor type id as stored in a GGUF tensor entry. Every id ggml has assigned gets a name so an error can say
/// "Q6_K (14)" instead of a bare number; only the ids that map to a `Kernels.DType` can be read.
public struct GGMLType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The ggml type id (`ggml_type` in ggml.h).
    public var rawValue: UInt32
    /// The type with ggml id `rawValue`; any id is accepted, known or not.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The ggml type that stores `dtype`.
    public init(_ dtype: DType) { self.rawValue = dtype.rawValue }

    /// The storage format Veer's kernels read, or nil for every other ggml type.
    public var dtype: DType? { DType(rawValue: rawValue) }

    /// ggml's name for the type ("Q4_1", "Q6_K"), or "unknown" for an id ggml never assigned.
    public var name: String {
        Int(rawValue) < GGMLType.names.count ? GGMLType.names[Int(rawValue)] : "unknown"
    }

    /// "Q6_K (14)": the name and the id, as error messages show it.
    public var description: String { "\(name) (\(rawValue))" }

    /// The types Veer's kernels read (F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K), in `DType` order.
    public static let supported: [GGMLType] = DType.allCases.map(GGMLType.init)

    /// ggml's `ggml_type` enum (ggml.h), by id. Ids 4, 5 and 31...33, 36...38 were retired.
    private static let names: [String] = [
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2 (retired)", "Q4_3 (retired)", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
        "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M",
        "BF16", "Q4_0_4_4 (retired)", "Q4_0_4_8 (retired)", "Q4_0_8_8 (retired)", "TQ1_0", "TQ2_0",
        "IQ4_NL_4_4 (retired)", "IQ4_NL_4_8 (retired)", "IQ4_NL_8_8 (retired)", "MXFP4",
    ]
}
