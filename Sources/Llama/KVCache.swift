import Kernels

/// The KV cache of every layer: per layer one K and one V buffer of f32 [slots, ctx, kvWidth], so no single binding
/// grows past the per-binding limit (a 2048-position cache of SmolLM2 is 1.5 MB per layer and slot). Slot s holds
/// the s-th independent sequence of a batch.
public final class KVCache<B: ComputeBackend> {
    /// Slots, positions and width of every layer's buffers.
    public let shape: KVCacheShape
    /// [layers] the keys, f32 [slots, ctx, kvWidth].
    public let keys: [B.Buffer]
    /// [layers] the values, f32 [slots, ctx, kvWidth].
    public let values: [B.Buffer]

    /// A cache for `slots` sequences of up to `contextSize` positions (at most the model's context length).
    public init(backend: B, config: LlamaConfig, slots: Int, contextSize: Int) throws {
        guard contextSize >= 1, contextSize <= config.contextLength else {
            throw ModelError.input("context size \(contextSize) must be in 1...\(config.contextLength) (the model's context_length)")
        }
        guard slots >= 1 else { throw ModelError.input("a KV cache needs at least one sequence slot") }
        let shape = KVCacheShape(slots: slots, ctx: contextSize, nKVHeads: config.kvHeads, headDim: config.headDim)
        self.shape = shape
        keys = try (0..<config.layers).map { try backend.makeBuffer(byteCount: shape.bytes, label: "kv.k.\($0)") }
        values = try (0..<config.layers).map { try backend.makeBuffer(byteCount: shape.bytes, label: "kv.v.\($0)") }
    }

    /// Bytes of all layers' keys and values.
    public var bytes: Int { 2 * keys.count * shape.bytes }
}
