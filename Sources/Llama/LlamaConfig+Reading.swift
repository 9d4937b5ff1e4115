import Kernels

extension LlamaConfig {
    /// Reads the configuration of a model of a supported architecture. A missing or inconsistent key is an error
    /// naming it, and so is metadata that would change the computation in a way Veer does not implement.
    public init(from source: ModelSource) throws {
        let name = source.sourceName
        let archName = try source.string("general.architecture") ?? "llama"
        guard let arch = ModelArchitecture(rawValue: archName) else {
            let known = ModelArchitecture.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw ModelError.unsupported(source: name, detail: "architecture '\(archName)' (general.architecture) is not supported; Veer runs \(known)")
        }
        let p = arch.rawValue + "."
        func invalid(_ key: String, _ detail: String) -> ModelError { .invalidValue(source: name, key: p + key, detail: detail) }
        let layers = try source.requireInteger(p + "block_count")
        let width = try source.requireInteger(p + "embedding_length")
        let heads = try source.requireInteger(p + "attention.head_count")
        let kvHeads = try source.integer(p + "attention.head_count_kv") ?? heads
        let ffWidth = try source.requireInteger(p + "feed_forward_length")
        let contextLength = try source.requireInteger(p + "context_length")
        let rmsEps = try source.requireFloat(p + "attention.layer_norm_rms_epsilon")
        let ropeBase = try source.float(p + "rope.freq_base") ?? 10000
        for (key, value) in [("block_count", layers), ("embedding_length", width), ("attention.head_count", heads),
                             ("attention.head_count_kv", kvHeads), ("feed_forward_length", ffWidth),
                             ("context_length", contextLength)] where value <= 0 {
            throw invalid(key, "must be positive, found \(value)")
        }
        guard heads % kvHeads == 0 else { throw invalid("attention.head_count_kv", "\(kvHeads) KV heads do not divide \(heads) heads") }
        let keyLength = try source.integer(p + "attention.key_length")
        if keyLength == nil, width % heads != 0 {
            throw invalid("attention.head_count", "\(heads) heads do not divide width \(width)")
        }
        let headDim = keyLength ?? width / heads
        if let valueLength = try source.integer(p + "attention.value_length"), valueLength != headDim {
            throw invalid("attention.value_length", "\(valueLength) differs from the key length \(headDim); Veer needs them equal")
        }
        let ropeDims = try source.integer(p + "rope.dimension_count") ?? headDim
        guard ropeDims > 0, ropeDims <= headDim, ropeDims % 2 == 0 else {
            throw invalid("rope.dimension_count", "\(ropeDims) must be even and at most the head size \(headDim)")
        }
        guard rmsEps > 0, rmsEps.isFinite else { throw invalid("attention.layer_norm_rms_epsilon", "must be positive, found \(rmsEps)") }
        guard ropeBase > 0, ropeBase.isFinite else { throw invalid("rope.freq_base", "must be positive, found \(ropeBase)") }
        let ropeScale = try Self.ropeScale(source, prefix: p)
        let window = try source.integer(p + "attention.sliding_window") ?? 0
        guard window >= 0 else { throw invalid("attention.sliding_window", "must be at least 0, found \(window)") }
        var pattern = 1
        if window > 0 {
            guard let archPattern = arch.defaultSlidingWindowPattern else {
                throw ModelError.unsupported(source: name, detail: "metadata key '\(p)attention.sliding_window': sliding-window attention is not supported for '\(archName)'")
            }
            pattern = try source.integer(p + "attention.sliding_window_pattern") ?? archPattern
            guard pattern >= 1 else { throw invalid("attention.sliding_window_pattern", "must be at least 1, found \(pattern)") }
        }
        let localRopeBase = try source.float(p + "rope.freq_base_swa") ?? 10000
        guard localRopeBase > 0, localRopeBase.isFinite else { throw invalid("rope.freq_base_swa", "must be positive, found \(localRopeBase)") }
        for key in ["final_logit_softcapping", "attn_logit_softcapping"] {
            if let cap = try source.float(p + key), cap != 0 {
                throw ModelError.unsupported(source: name, detail: "metadata key '\(p)\(key)' = \(cap): logit soft-capping is not supported")
            }
        }
        let vocab = try Self.vocabularySize(source, prefix: p, width: width)
        self.init(architecture: arch, layers: layers, width: width, heads: heads, kvHeads: kvHeads, headDim: headDim,
                  ffWidth: ffWidth, vocab: vocab, contextLength: contextLength, ropeBase: ropeBase, ropeScale: ropeScale,
                  ropeDims: ropeDims, rmsEps: rmsEps, slidingWindow: window, slidingWindowPattern: pattern,
                  localRopeBase: localRopeBase)
    }

    /// The linear position scale from `rope.scaling.type` / `rope.scaling.factor` (or the old `rope.scale_linear`),
    /// as llama.cpp reads them. YaRN and LongRoPE change more than the angle and are refused, naming the key.
    /// (Llama 3's scaling is not a type: it is the `rope_freqs.weight` tensor, which the weights load.)
    static func ropeScale(_ source: ModelSource, prefix p: String) throws -> Float {
        let type = try source.string(p + "rope.scaling.type") ?? "linear"
        guard type == "linear" || type == "none" else {
            throw ModelError.unsupported(source: source.sourceName, detail: "metadata key '\(p)rope.scaling.type' = '\(type)': only 'none' and 'linear' RoPE scaling are supported")
        }
        let factor = try source.float(p + "rope.scaling.factor") ?? source.float(p + "rope.scale_linear") ?? 0
        guard factor >= 0, factor.isFinite else {
            throw ModelError.invalidValue(source: source.sourceName, key: p + "rope.scaling.factor", detail: "must be positive, found \(factor)")
        }
        return factor == 0 || type == "none" ? 1 : 1 / factor
    }

    /// The vocabulary size: the metadata key if present, else the embedding table's rows.
    static func vocabularySize(_ source: ModelSource, prefix p: String, width: Int) throws -> Int {
        if let v = try source.integer(p + "vocab_size") { return v }
        let embedding = try source.tensor("token_embd.weight")
        guard embedding.shape.count == 2 else {
            throw ModelError.tensorShape(source: source.sourceName, name: "token_embd.weight", expected: [width, -1], found: embedding.shape)
        }
        return embedding.shape[1]
    }
}
