import Llama

extension HookSite {
    /// The sites that exist once per block and can be captured (every site but the final norm).
    public static var perBlock: [HookSite] { allCases.filter { $0 != .resultNorm } }

    /// Floats per row at this site: `mlp_mid` is ffWidth wide, `heads_concat` heads·headDim, the rest the model width.
    public func width(in config: LlamaConfig) -> Int {
        switch self {
        case .mlpMid: return config.ffWidth
        case .headsConcat: return config.qWidth
        case .residPost, .residMid, .mlpOut, .attnNorm, .resultNorm: return config.width
        }
    }
}
