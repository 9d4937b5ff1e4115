import Kernels

/// One decode step of a fixed set of sequences (one row per KV-cache slot), recorded once and replayed for every
/// token: on Vulkan the same command buffer is submitted again, so a token costs no encoding, no allocation and no
/// new Vulkan object; on the CPU the recorded closure runs the same ops. Only the tokens and positions change
/// between steps, and they are written into the run state, which the recorded kernels read.
public final class DecodeStep<B: ComputeBackend> {
    /// The model the step runs.
    public let model: LlamaModel<B>
    /// The KV-cache slot of each row; row r's logits come back as logits row r.
    public let slots: [Int32]
    /// Whether the step computes logits (a cache-only rewrite does not, and leaves the logits buffer alone).
    public let computesLogits: Bool
    /// The selection each run also makes.
    public let selection: DecodeSelection<B.Buffer>?
    private let steering: ForwardSteering<B.Buffer>?
    private let replay: B.Replay

    /// Records the step. `steering` is captured as it is: its tables are buffers the step reads at every replay,
    /// so per-step changes (rows a position policy switches on) are writes into those buffers.
    /// `selection`: the token selection the step also runs on its logits (argmax, or top-k candidates for sampling),
    /// so that on Vulkan a token is one submit and one wait, with no op issued outside the recording.
    public init(model: LlamaModel<B>, slots: [Int32], steering: ForwardSteering<B.Buffer>? = nil,
                computesLogits: Bool = true, selection: DecodeSelection<B.Buffer>? = nil) throws {
        guard !slots.isEmpty, slots.count <= min(model.maxRows, model.maxLogitRows) else {
            throw ModelError.input("a decode step needs 1...\(min(model.maxRows, model.maxLogitRows)) sequences, got \(slots.count)")
        }
        self.model = model
        self.slots = slots
        self.computesLogits = computesLogits
        self.steering = steering
        let rows = slots.count
        let logitRows = computesLogits ? Array(0..<rows) : []
        guard selection == nil || computesLogits else { throw ModelError.input("a decode step without logits selects nothing") }
        self.selection = selection
        replay = try model.backend.record { [model] in
            try model.encode(rows: rows, logitRows: logitRows, steering: steering, observer: nil)
            try selection?.issue(on: model.backend, logits: model.state.logits, rows: rows, vocab: model.config.vocab)
        }
    }

    /// Runs the step for `tokens` (one per slot) at `positions` and returns the logits buffer, f32 [slots, vocab].
    @discardableResult
    public func run(tokens: [Int32], positions: [Int32]) throws -> B.Buffer {
        let batch = ForwardBatch(tokens: tokens, slots: slots, positions: positions,
                                 logitRows: computesLogits ? Array(slots.indices) : [])
        try model.stage(batch)
        try steering?.prepare?(batch)
        try model.backend.replay(replay)
        try steering?.afterPass?(batch)
        return model.state.logits
    }
}

/// Token selection recorded into a decode step, per row: the argmax id (int32 [rows]), or the k largest logits
/// sorted descending, ties to the lower id (ids int32 [rows, k], values f32 [rows, k]). The first c < k of them are
/// the top c, so a step recorded for the largest k a sampler may ask for serves every smaller one.
public enum DecodeSelection<Buffer> {
    case argmax(ids: Buffer)
    case topk(ids: Buffer, values: Buffer, k: Int)

    /// The selection a step over rows sampled with `settings` needs: argmax when every row is greedy without a
    /// penalty and none wants `alternatives` (log-probability candidates), else the top-k candidates for the largest
    /// count any row may ask for (the first c < k of them are the top c, so one k serves every row).
    public static func choose(for settings: [SamplerSettings], alternatives: Int = 0, ids: Buffer, values: Buffer,
                              vocab: Int) -> DecodeSelection {
        if alternatives == 0, settings.allSatisfy(\.isPlainArgmax) { return .argmax(ids: ids) }
        let sampling = settings.map { $0.candidateCount(penalized: $0.penaltyWindow, vocab: vocab) }.max() ?? 1
        return .topk(ids: ids, values: values, k: min(TopKOp.maxK, vocab, max(sampling, alternatives)))
    }

    /// Issues the selection's op on `logits`, f32 [rows, vocab].
    func issue<B: ComputeBackend>(on backend: B, logits: Buffer, rows: Int, vocab: Int) throws where B.Buffer == Buffer {
        switch self {
        case let .argmax(ids):
            try backend.argmax(ArgmaxOp(rows: rows, width: vocab), x: logits, ids: ids)
        case let .topk(ids, values, k):
            try backend.topk(TopKOp(rows: rows, width: vocab, k: k), x: logits, ids: ids, values: values)
        }
    }
}
