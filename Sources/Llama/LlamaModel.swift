import KernelABI
import Kernels

/// A Llama-architecture model on one backend: weights, KV cache and preallocated run state for up to `maxRows`
/// rows per forward pass. Generic over the backend; steering enters at the two residual updates of each block,
/// through the fused residual-steer op (a plain add when a block has no steering).
public final class LlamaModel<B: ComputeBackend> {
    /// The backend every op runs on.
    public let backend: B
    /// The hyperparameters.
    public let config: LlamaConfig
    /// The weights, uploaded once.
    public let weights: LlamaWeights<B.Buffer>
    /// The KV cache of every layer and slot.
    public let cache: KVCache<B>
    /// The most rows one forward pass takes.
    public let maxRows: Int
    /// The most rows one forward pass returns logits for.
    public let maxLogitRows: Int
    let state: RunState

    /// Buffers reused by every forward pass (no allocation per token). Shapes for R = maxRows rows.
    final class RunState {
        let tokens: B.Buffer        // int32 [R]
        let slots: B.Buffer         // int32 [R]
        let positions: B.Buffer     // int32 [R]
        let x: B.Buffer             // f32 [R, width]     the residual stream
        let normed: B.Buffer        // f32 [R, width]     RMSNorm output
        let q: B.Buffer             // f32 [R, qWidth]     (separate Q, K, V weights)
        let k: B.Buffer             // f32 [R, kvWidth]
        let v: B.Buffer             // f32 [R, kvWidth]
        let qkv: B.Buffer           // f32 [R, qWidth + 2·kvWidth]  q, k, v side by side (fused weights)
        let heads: B.Buffer         // f32 [R, qWidth]    attention output, heads concatenated
        let delta: B.Buffer         // f32 [R, width]     block output added to the residual
        let gate: B.Buffer          // f32 [R, ffWidth]
        let up: B.Buffer            // f32 [R, ffWidth]
        let gateUp: B.Buffer        // f32 [R, 2·ffWidth]   gate | up (stacked weights)
        let logits: B.Buffer        // f32 [L, vocab]
        let logitHealth: B.Buffer   // f32 [L, 3]         RowHealthOp of the logits
        let plain: SteerTables<B.Buffer>  // every row: x += delta, nothing else
        /// What `slots` holds now: a decode step replayed token after token writes its slots once, not per token.
        var stagedSlots: [Int32]?

        init(backend: B, config c: LlamaConfig, rows r: Int, logitRows: Int) throws {
            func floats(_ n: Int, _ label: String) throws -> B.Buffer { try backend.makeBuffer(byteCount: 4 * n, label: label) }
            tokens = try floats(r, "run.tokens"); slots = try floats(r, "run.slots"); positions = try floats(r, "run.positions")
            x = try floats(r * c.width, "run.x"); normed = try floats(r * c.width, "run.normed")
            q = try floats(r * c.qWidth, "run.q"); k = try floats(r * c.kvWidth, "run.k"); v = try floats(r * c.kvWidth, "run.v")
            qkv = try floats(r * (c.qWidth + 2 * c.kvWidth), "run.qkv")
            heads = try floats(r * c.qWidth, "run.heads"); delta = try floats(r * c.width, "run.delta")
            gate = try floats(r * c.ffWidth, "run.gate"); up = try floats(r * c.ffWidth, "run.up")
            gateUp = try floats(r * 2 * c.ffWidth, "run.gateUp")
            logits = try floats(logitRows * c.vocab, "run.logits")
            logitHealth = try floats(logitRows * RowHealth.width, "run.logitHealth")
            plain = try backend.makeSteerTables(SteerPlan(
                width: c.width, rowSeq: [Int32](repeating: 0, count: r), rowFlags: [UInt32](repeating: 0, count: r),
                seqParams: [.none]))
        }
    }

    /// Loads the model in `source` onto `backend`, with a KV cache of `slots` sequences of `contextSize` positions and run state for `maxRows` rows per pass (`maxLogitRows` of them with logits; default all).
    public init(source: ModelSource, backend: B, slots: Int = 1, contextSize: Int = 2048, maxRows: Int = 512,
                maxLogitRows: Int? = nil) throws {
        let config = try LlamaConfig(from: source)
        self.backend = backend
        self.config = config
        self.weights = try LlamaWeights.load(from: source, config: config, backend: backend)
        self.cache = try KVCache(backend: backend, config: config, slots: slots, contextSize: min(contextSize, config.contextLength))
        self.maxRows = maxRows
        self.maxLogitRows = maxLogitRows ?? maxRows
        self.state = try RunState(backend: backend, config: config, rows: maxRows, logitRows: self.maxLogitRows)
    }

    /// Checks a batch against the model and cache before anything reaches a kernel.
    func validate(_ batch: ForwardBatch) throws {
        let n = batch.rows
        guard n >= 1 else { throw ModelError.input("a forward pass needs at least one token") }
        guard n <= maxRows else { throw ModelError.input("\(n) rows exceed this model instance's batch capacity of \(maxRows)") }
        guard batch.slots.count == n, batch.positions.count == n else {
            throw ModelError.input("batch has \(n) tokens but \(batch.slots.count) slots and \(batch.positions.count) positions")
        }
        guard batch.logitRows.count <= maxLogitRows, batch.logitRows.allSatisfy({ $0 >= 0 && $0 < n }) else {
            throw ModelError.input("logit rows \(batch.logitRows) must be at most \(maxLogitRows) rows of 0..<\(n)")
        }
        if let bad = batch.tokens.first(where: { $0 < 0 || Int($0) >= config.vocab }) {
            throw ModelError.input("token id \(bad) is outside the vocabulary 0..<\(config.vocab)")
        }
        if let p = batch.positions.first(where: { $0 >= Int32(cache.shape.ctx) }) {
            throw ModelError.input("position \(p) is past the context size \(cache.shape.ctx) (\(contextAdvice))")
        }
        try cache.shape.validatePlacement(slots: batch.slots, positions: batch.positions, op: "forward")
    }
}
