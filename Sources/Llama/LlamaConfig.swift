import Kernels

/// Hyperparameters of a model of the Llama family (`ModelArchitecture`), read from `<arch>.*` metadata and checked
/// for consistency.
public struct LlamaConfig: Sendable, Equatable {
    /// Which family's block layout the weights follow.
    public var architecture: ModelArchitecture
    /// Transformer blocks (`<arch>.block_count`).
    public var layers: Int
    /// The residual width, d_model (`<arch>.embedding_length`).
    public var width: Int            // d_model
    /// Query heads (`<arch>.attention.head_count`).
    public var heads: Int
    /// Key/value heads, fewer under grouped-query attention (`<arch>.attention.head_count_kv`).
    public var kvHeads: Int
    /// Dimensions per head (`<arch>.attention.key_length`, else width / heads).
    public var headDim: Int
    /// The FFN's hidden width (`<arch>.feed_forward_length`).
    public var ffWidth: Int
    /// Tokens in the vocabulary.
    public var vocab: Int
    /// The longest sequence the model was trained for (`<arch>.context_length`).
    public var contextLength: Int
    /// RoPE frequency base of global layers (`<arch>.rope.freq_base`).
    public var ropeBase: Float
    /// Linear RoPE position scale of global layers (1: none; the inverse of `<arch>.rope.scaling.factor`).
    public var ropeScale: Float
    /// Dimensions per head that RoPE rotates.
    public var ropeDims: Int
    /// RMSNorm epsilon (`<arch>.attention.layer_norm_rms_epsilon`).
    public var rmsEps: Float
    /// Sliding-window size of local layers (`<arch>.attention.sliding_window`); 0: every layer is global.
    public var slidingWindow: Int
    /// With a window: every `slidingWindowPattern`-th block (l % n == n − 1) is global, the others local.
    public var slidingWindowPattern: Int
    /// RoPE frequency base of local layers (`<arch>.rope.freq_base_swa`, default 10000 as in llama.cpp).
    public var localRopeBase: Float

    /// Width of the queries: heads × headDim.
    public var qWidth: Int { heads * headDim }
    /// Width of the keys and of the values: kvHeads × headDim.
    public var kvWidth: Int { kvHeads * headDim }
    /// Which pairs RoPE rotates.
    public var ropeStyle: RopeStyle { architecture.ropeStyle }
    /// The FFN's gated activation.
    public var activation: GatedActivation { architecture.activation }
    /// The factor the token embeddings are multiplied by (√width on Gemma, else 1).
    public var embeddingScale: Float { architecture.scalesEmbedding ? Float(width).squareRoot() : 1 }

    /// Whether block `layer` attends within the sliding window only.
    public func isLocal(layer: Int) -> Bool {
        slidingWindow > 0 && layer % slidingWindowPattern < slidingWindowPattern - 1
    }

    /// The attention window of block `layer` in positions (0: full causal attention).
    public func attentionWindow(layer: Int) -> Int { isLocal(layer: layer) ? slidingWindow : 0 }

    /// RoPE base and linear position scale of block `layer` (llama.cpp: local layers use the SWA base, unscaled).
    public func rope(layer: Int) -> (base: Float, scale: Float) {
        isLocal(layer: layer) ? (localRopeBase, 1) : (ropeBase, ropeScale)
    }

    /// A configuration from its values (synthetic models in tests); `ropeDims` defaults to `headDim`.
    public init(architecture: ModelArchitecture = .llama, layers: Int, width: Int, heads: Int, kvHeads: Int, headDim: Int,
                ffWidth: Int, vocab: Int, contextLength: Int, ropeBase: Float, ropeScale: Float = 1, ropeDims: Int? = nil,
                rmsEps: Float, slidingWindow: Int = 0, slidingWindowPattern: Int = 1, localRopeBase: Float = 10000) {
        self.architecture = architecture
        self.layers = layers; self.width = width; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.ffWidth = ffWidth; self.vocab = vocab; self.contextLength = contextLength; self.ropeBase = ropeBase
        self.ropeScale = ropeScale; self.ropeDims = ropeDims ?? headDim; self.rmsEps = rmsEps
        self.slidingWindow = slidingWindow; self.slidingWindowPattern = slidingWindowPattern
        self.localRopeBase = localRopeBase
    }
}
