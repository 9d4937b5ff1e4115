/// Hyperparameters of a Llama-architecture model, read from `llama.*` metadata and checked for consistency.
public struct LlamaConfig: Sendable, Equatable {
    /// Transformer blocks (`llama.block_count`).
    public var layers: Int
    /// The residual width, d_model (`llama.embedding_length`).
    public var width: Int            // d_model
    /// Query heads (`llama.attention.head_count`).
    public var heads: Int
    /// Key/value heads, fewer under grouped-query attention (`llama.attention.head_count_kv`).
    public var kvHeads: Int
    /// Dimensions per head.
    public var headDim: Int
    /// The FFN's hidden width (`llama.feed_forward_length`).
    public var ffWidth: Int
    /// Tokens in the vocabulary.
    public var vocab: Int
    /// The longest sequence the model was trained for (`llama.context_length`).
    public var contextLength: Int
    /// RoPE frequency base (`llama.rope.freq_base`).
    public var ropeBase: Float
    /// Linear RoPE position scale (1: none).
    public var ropeScale: Float
    /// Dimensions per head that RoPE rotates.
    public var ropeDims: Int
    /// RMSNorm epsilon (`llama.attention.layer_norm_rms_epsilon`).
    public var rmsEps: Float

    /// Width of the queries: heads × headDim.
    public var qWidth: Int { heads * headDim }
    /// Width of the keys and of the values: kvHeads × headDim.
    public var kvWidth: Int { kvHeads * headDim }

    /// A configuration from its values (synthetic models in tests); `ropeDims` defaults to `headDim`.
    public init(layers: Int, width: Int, heads: Int, kvHeads: Int, headDim: Int, ffWidth: Int, vocab: Int,
                contextLength: Int, ropeBase: Float, ropeScale: Float = 1, ropeDims: Int? = nil, rmsEps: Float) {
        self.layers = layers; self.width = width; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.ffWidth = ffWidth; self.vocab = vocab; self.contextLength = contextLength; self.ropeBase = ropeBase
        self.ropeScale = ropeScale; self.ropeDims = ropeDims ?? headDim; self.rmsEps = rmsEps
    }

    /// Reads the configuration of a `llama` model. A missing or inconsistent key is an error naming it.
    public init(from source: ModelSource) throws {
        let name = source.sourceName
        if let arch = try source.string("general.architecture"), arch != "llama" {
            throw ModelError.unsupported(source: name, detail: "architecture '\(arch)' is not supported yet (only 'llama')")
        }
        layers = try source.requireInteger("llama.block_count")
        width = try source.requireInteger("llama.embedding_length")
        heads = try source.requireInteger("llama.attention.head_count")
        kvHeads = try source.integer("llama.attention.head_count_kv") ?? heads
        ffWidth = try source.requireInteger("llama.feed_forward_length")
        contextLength = try source.requireInteger("llama.context_length")
        rmsEps = try source.requireFloat("llama.attention.layer_norm_rms_epsilon")
        ropeBase = try source.float("llama.rope.freq_base") ?? 10000
        ropeScale = 1 / (try source.float("llama.rope.scale_linear") ?? 1)
        func invalid(_ key: String, _ detail: String) -> ModelError { .invalidValue(source: name, key: key, detail: detail) }
        for (key, value) in [("llama.block_count", layers), ("llama.embedding_length", width),
                             ("llama.attention.head_count", heads), ("llama.attention.head_count_kv", kvHeads),
                             ("llama.feed_forward_length", ffWidth), ("llama.context_length", contextLength)]
        where value <= 0 {
            throw invalid(key, "must be positive, found \(value)")
        }
        guard width % heads == 0 else { throw invalid("llama.attention.head_count", "\(heads) heads do not divide width \(width)") }
        guard heads % kvHeads == 0 else { throw invalid("llama.attention.head_count_kv", "\(kvHeads) KV heads do not divide \(heads) heads") }
        headDim = try source.integer("llama.attention.key_length") ?? width / heads
        ropeDims = try source.integer("llama.rope.dimension_count") ?? headDim
        guard ropeDims > 0, ropeDims <= headDim, ropeDims % 2 == 0 else {
            throw invalid("llama.rope.dimension_count", "\(ropeDims) must be even and at most the head size \(headDim)")
        }
        guard rmsEps > 0, rmsEps.isFinite else { throw invalid("llama.attention.layer_norm_rms_epsilon", "must be positive, found \(rmsEps)") }
        guard ropeBase > 0, ropeBase.isFinite else { throw invalid("llama.rope.freq_base", "must be positive, found \(ropeBase)") }
        // The vocabulary size: the metadata key if present, else the embedding table's rows.
        if let v = try source.integer("llama.vocab_size") {
            vocab = v
        } else {
            let embedding = try source.tensor("token_embd.weight")
            guard embedding.shape.count == 2 else {
                throw ModelError.tensorShape(source: name, name: "token_embd.weight", expected: [width, -1], found: embedding.shape)
            }
            vocab = embedding.shape[1]
        }
    }
}
