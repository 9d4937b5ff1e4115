import Kernels

/// The model families Veer runs (`general.architecture`). They share one forward pass; what differs is which
/// optional parts a block has and how RoPE, the FFN activation and attention are parameterised, all of which
/// `LlamaConfig` records and the forward pass reads.
public enum ModelArchitecture: String, Sendable, CaseIterable {
    /// Llama 1/2/3 and SmolLM: RMSNorm before attention and FFN, SwiGLU, adjacent-pair RoPE (with Llama 3's
    /// frequency factors when the file has `rope_freqs.weight`).
    case llama
    /// Qwen2: the llama layout with biases on the Q, K and V projections and NEOX-style RoPE.
    case qwen2
    /// Gemma 3: embeddings scaled by √width, per-head Q/K RMSNorm, RMSNorm after attention and after the FFN as
    /// well as before them, GeGLU, NEOX RoPE, and sliding-window (local) layers with their own RoPE base
    /// interleaved with global ones.
    case gemma3

    /// Which pairs of a head RoPE rotates (llama.cpp's LLAMA_ROPE_TYPE_NORM or _NEOX for the architecture).
    public var ropeStyle: RopeStyle {
        switch self {
        case .llama: return .adjacent
        case .qwen2, .gemma3: return .neox
        }
    }

    /// The FFN's gated activation.
    public var activation: GatedActivation { self == .gemma3 ? .geluTanh : .silu }

    /// Q and K are RMS-normalised per head (weights `attn_q_norm`, `attn_k_norm`, f32 [headDim]) before RoPE.
    public var hasQKNorm: Bool { self == .gemma3 }

    /// Attention output and FFN output are RMS-normalised (`post_attention_norm`, `post_ffw_norm`) before their
    /// residual adds.
    public var hasPostNorms: Bool { self == .gemma3 }

    /// The Q, K and V projections have biases (`attn_q.bias`, `attn_k.bias`, `attn_v.bias`, f32).
    public var hasQKVBias: Bool { self == .qwen2 }

    /// Token embeddings are multiplied by √width before the first block.
    public var scalesEmbedding: Bool { self == .gemma3 }

    /// Every n-th block is global (full causal attention) and the others local (sliding window), when the file
    /// gives a window; llama.cpp's default pattern for the architecture.
    public var defaultSlidingWindowPattern: Int? { self == .gemma3 ? 6 : nil }
}
