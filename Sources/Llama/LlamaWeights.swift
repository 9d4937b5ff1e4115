import Kernels

/// One block's weights on the device. Matrices stay in their stored format (quantized blocks are read by the
/// matmul kernels directly); norm weights are f32 [width].
public struct LlamaBlockWeights<Buffer> {
    /// Attention RMSNorm weight, f32 [width].
    public var attnNorm: Buffer      // f32 [width]
    /// The Q, K and V projections.
    public var qkv: QKVWeights<Buffer>
    /// Attention output projection, [width, qWidth] in `attnOutputType`.
    public var attnOutput: Buffer    // [width, qWidth]
    /// FFN RMSNorm weight, f32 [width].
    public var ffnNorm: Buffer       // f32 [width]
    /// FFN gate and up projections.
    public var gateUp: GateUpWeights<Buffer>
    /// FFN down projection, [width, ffWidth] in `downType`.
    public var down: Buffer          // [width, ffWidth]
    /// Storage formats of attnOutput and down (read once at load, not looked up per token).
    public var attnOutputType: DType, downType: DType
    /// The parts only some architectures have (`ModelArchitecture`); nil where the block has none.
    public var extras: LlamaBlockExtras<Buffer>
}

/// A block's optional weights, by architecture: biases (Qwen2), per-head Q/K norms and post norms (Gemma 3).
public struct LlamaBlockExtras<Buffer> {
    /// Q, K and V projection biases (Qwen2).
    public var qkvBias: QKVBias<Buffer>?
    /// Per-head RMSNorm weights of the queries and keys, f32 [headDim] each (Gemma 3).
    public var qkNorm: (q: Buffer, k: Buffer)?
    /// RMSNorm weight applied to the attention output before its residual add, f32 [width] (Gemma 3).
    public var postAttentionNorm: Buffer?
    /// RMSNorm weight applied to the FFN output before its residual add, f32 [width] (Gemma 3).
    public var postFFNNorm: Buffer?

    /// None of them (Llama).
    public init() {}
}

/// A block's Q, K and V biases, laid out as its projections are (`QKVWeights`): one add per row when the projections
/// are fused, three when they are not.
public enum QKVBias<Buffer> {
    /// f32 [qWidth + 2·kvWidth]: Q's, then K's, then V's, as the fused projection's output rows.
    case fused(Buffer)
    /// f32 [qWidth], [kvWidth], [kvWidth].
    case separate(q: Buffer, k: Buffer, v: Buffer)
}

/// A block's Q, K and V projections: stacked into one matrix when they share a storage format, so one mat-vec
/// computes all three (one op instead of three per block; each output element is computed exactly as alone, since a
/// matmul's arithmetic per element depends only on k), else three matrices.
public enum QKVWeights<Buffer> {
    /// [qWidth + 2·kvWidth, width] in the shared format: Q's rows, then K's, then V's. Output row layout: q, k, v.
    case fused(Buffer, DType)
    /// [qWidth, width], [kvWidth, width], [kvWidth, width], each in its own format.
    case separate(q: Buffer, qType: DType, k: Buffer, kType: DType, v: Buffer, vType: DType)

    /// Whether one matrix holds all three (the output rows are q | k | v).
    public var isFused: Bool {
        if case .fused = self { return true }
        return false
    }
}

/// A block's FFN gate and up projections: stacked into one matrix when they share a storage format (one mat-vec
/// whose output rows are [gate | up], which SwiGLU reads by stride), else two matrices.
public enum GateUpWeights<Buffer> {
    /// [2·ffWidth, width] in the shared format: gate's rows, then up's.
    case fused(Buffer, DType)
    /// [ffWidth, width] each, in their own formats.
    case separate(gate: Buffer, gateType: DType, up: Buffer, upType: DType)
}

/// All weights of a Llama model, uploaded once (used in place from the file's memory map on host-memory backends).
public struct LlamaWeights<Buffer> {
    /// Token embedding table, [vocab, width] in `embeddingType`.
    public var tokenEmbedding: Buffer    // [vocab, width] in embeddingType
    /// Storage format of the embedding table.
    public var embeddingType: DType
    /// Final RMSNorm weight, f32 [width].
    public var outputNorm: Buffer        // f32 [width]
    /// Output projection to logits, [vocab, width] in `outputType` (the embedding table when tied).
    public var output: Buffer            // [vocab, width] in outputType (the embedding when tied)
    /// Storage format of the output projection.
    public var outputType: DType
    /// [layers] each block's weights.
    public var blocks: [LlamaBlockWeights<Buffer>]
    /// Llama 3's RoPE frequency factors, f32 [ropeDims / 2] (`rope_freqs.weight`); nil: none.
    public var ropeFreqs: Buffer?
    /// Bytes of weights (uploaded to the device, or mapped).
    public var bytes: Int
}

extension LlamaWeights {
    /// Uploads every tensor the config needs, checking its shape and format.
    public static func load<B: ComputeBackend>(from source: ModelSource, config c: LlamaConfig, backend: B)
        throws -> LlamaWeights<B.Buffer> where B.Buffer == Buffer
    {
        var bytes = 0
        func upload(_ name: String, shape: [Int], f32Only: Bool = false) throws -> (B.Buffer, DType) {
            let t = try source.tensor(name, shape: shape)
            if f32Only, t.type != .f32 {
                throw ModelError.unsupported(source: source.sourceName, detail: "tensor '\(name)' is \(t.type); norm weights must be f32")
            }
            return (try borrow(t, source, backend, &bytes), t.type)
        }
        let (embedding, embeddingType) = try upload("token_embd.weight", shape: [c.width, c.vocab])
        let (outputNorm, _) = try upload("output_norm.weight", shape: [c.width], f32Only: true)
        var output = embedding, outputType = embeddingType
        if source.hasTensor("output.weight") {
            (output, outputType) = try upload("output.weight", shape: [c.width, c.vocab])
        }
        var ropeFreqs: B.Buffer?
        if source.hasTensor("rope_freqs.weight") {
            ropeFreqs = try upload("rope_freqs.weight", shape: [c.ropeDims / 2], f32Only: true).0
        }
        var blocks: [LlamaBlockWeights<B.Buffer>] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            func matrix(_ name: String, _ k: Int, _ n: Int) throws -> (B.Buffer, DType) {
                try upload(p + name, shape: [k, n])
            }
            let qkv = try projections(p, source: source, config: c, backend: backend, bytes: &bytes)
            let (attnOutput, attnOutputType) = try matrix("attn_output.weight", c.qWidth, c.width)
            let gateUp = try stacked(p, source: source, config: c, backend: backend, bytes: &bytes)
            let (down, downType) = try matrix("ffn_down.weight", c.ffWidth, c.width)
            func vector(_ name: String, _ count: Int) throws -> B.Buffer {
                try upload(p + name, shape: [count], f32Only: true).0
            }
            var extras = LlamaBlockExtras<B.Buffer>()
            if c.architecture.hasQKVBias {
                extras.qkvBias = try biases(p, fused: qkv.isFused, source: source, config: c, backend: backend,
                                            bytes: &bytes)
            }
            if c.architecture.hasQKNorm {
                extras.qkNorm = (try vector("attn_q_norm.weight", c.headDim), try vector("attn_k_norm.weight", c.headDim))
            }
            if c.architecture.hasPostNorms {
                extras.postAttentionNorm = try vector("post_attention_norm.weight", c.width)
                extras.postFFNNorm = try vector("post_ffw_norm.weight", c.width)
            }
            blocks.append(LlamaBlockWeights(
                attnNorm: try vector("attn_norm.weight", c.width),
                qkv: qkv, attnOutput: attnOutput,
                ffnNorm: try vector("ffn_norm.weight", c.width),
                gateUp: gateUp, down: down, attnOutputType: attnOutputType, downType: downType, extras: extras))
        }
        return LlamaWeights(tokenEmbedding: embedding, embeddingType: embeddingType, outputNorm: outputNorm,
                            output: output, outputType: outputType, blocks: blocks, ropeFreqs: ropeFreqs, bytes: bytes)
    }

    /// Block `prefix`'s Q, K and V, stacked when they share a format.
    static func projections<B: ComputeBackend>(_ prefix: String, source: ModelSource, config c: LlamaConfig, backend: B,
                                               bytes: inout Int) throws -> QKVWeights<B.Buffer> where B.Buffer == Buffer {
        let q = try source.tensor(prefix + "attn_q.weight", shape: [c.width, c.qWidth])
        let k = try source.tensor(prefix + "attn_k.weight", shape: [c.width, c.kvWidth])
        let v = try source.tensor(prefix + "attn_v.weight", shape: [c.width, c.kvWidth])
        // Per-head Q/K norms run on contiguous query and key rows, so those architectures keep three matrices.
        if !c.architecture.hasQKNorm, let fused = try stack([q, k, v], label: prefix + "attn_qkv.weight", backend: backend, source: source,
                                   bytes: &bytes) {
            return .fused(fused, q.type)
        }
        return .separate(q: try borrow(q, source, backend, &bytes), qType: q.type, k: try borrow(k, source, backend, &bytes),
                         kType: k.type, v: try borrow(v, source, backend, &bytes), vType: v.type)
    }

    /// Block `prefix`'s Q, K and V biases (f32), stacked into one vector when the projections are fused.
    static func biases<B: ComputeBackend>(_ prefix: String, fused: Bool, source: ModelSource, config c: LlamaConfig,
                                          backend: B, bytes: inout Int) throws -> QKVBias<B.Buffer>
        where B.Buffer == Buffer {
        let widths = [("attn_q.bias", c.qWidth), ("attn_k.bias", c.kvWidth), ("attn_v.bias", c.kvWidth)]
        let tensors = try widths.map { name, width in
            let t = try source.tensor(prefix + name, shape: [width])
            guard t.type == .f32 else {
                throw ModelError.unsupported(source: source.sourceName, detail: "tensor '\(prefix + name)' is \(t.type); biases must be f32")
            }
            return t
        }
        if fused, let stacked = try stack(tensors, label: prefix + "attn_qkv.bias", backend: backend, source: source,
                                          bytes: &bytes) {
            return .fused(stacked)
        }
        let (q, k, v) = (tensors[0], tensors[1], tensors[2])
        return .separate(q: try borrow(q, source, backend, &bytes), k: try borrow(k, source, backend, &bytes),
                         v: try borrow(v, source, backend, &bytes))
    }

    /// Block `prefix`'s FFN gate and up, stacked when they share a format.
    static func stacked<B: ComputeBackend>(_ prefix: String, source: ModelSource, config c: LlamaConfig, backend: B,
                                           bytes: inout Int) throws -> GateUpWeights<B.Buffer> where B.Buffer == Buffer {
        let gate = try source.tensor(prefix + "ffn_gate.weight", shape: [c.width, c.ffWidth])
        let up = try source.tensor(prefix + "ffn_up.weight", shape: [c.width, c.ffWidth])
        if let fused = try stack([gate, up], label: prefix + "ffn_gate_up.weight", backend: backend,
                                   source: source, bytes: &bytes) {
            return .fused(fused, gate.type)
        }
        return .separate(gate: try borrow(gate, source, backend, &bytes), gateType: gate.type,
                         up: try borrow(up, source, backend, &bytes), upType: up.type)
    }

    /// The matrices' rows one after another, or nil when their formats differ. Tensors that already lie back to back
    /// in the file (ffn_gate then ffn_up, as llama.cpp's converter writes them) become one weight buffer over the
    /// file's bytes, used in place on the CPU; others are copied into a new buffer (attn_q, k and v are not adjacent).
    static func stack<B: ComputeBackend>(_ tensors: [StoredTensor], label: String, backend: B, source: ModelSource,
                                         bytes: inout Int) throws -> B.Buffer? where B.Buffer == Buffer {
        guard Set(tensors.map(\.type)).count == 1 else { return nil }
        let total = tensors.reduce(0) { $0 + $1.bytes.count }
        if let first = tensors.first?.bytes.baseAddress, adjacent(tensors) {
            bytes += total
            return try backend.makeWeightBuffer(UnsafeRawBufferPointer(start: first, count: total), owner: source,
                                                label: label)
        }
        let buffer = try backend.makeBuffer(byteCount: total, label: label)
        var offset = 0
        for t in tensors {
            try backend.write(t.bytes, to: buffer, at: offset)
            offset += t.bytes.count
        }
        bytes += total
        return buffer
    }

    /// Whether each tensor's bytes start where the previous one's end.
    static func adjacent(_ tensors: [StoredTensor]) -> Bool {
        zip(tensors, tensors.dropFirst()).allSatisfy { previous, next in
            guard let end = previous.bytes.baseAddress, let start = next.bytes.baseAddress else { return false }
            return end + previous.bytes.count == start
        }
    }

    /// One tensor as a weight buffer (in place where the backend can).
    static func borrow<B: ComputeBackend>(_ t: StoredTensor, _ source: ModelSource, _ backend: B, _ bytes: inout Int)
        throws -> B.Buffer where B.Buffer == Buffer {
        bytes += t.bytes.count
        return try backend.makeWeightBuffer(t.bytes, owner: source, label: t.name)
    }
}
