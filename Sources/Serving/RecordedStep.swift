import Kernels
import Llama

/// The decode step of the requests that are generating, recorded once for that set (rows in `members` order).
struct RecordedStep<B: ComputeBackend> {
    /// [rows] the request ids the step's rows belong to.
    let members: [UInt64]
    let step: DecodeStep<B>
    /// Whether some row reports log-probabilities (the step then selects top-k for every row).
    let wantsLogprobs: Bool
}

/// The buffers a step's selection and log-probabilities write, sized for every slot.
struct SelectionBuffers<B: ComputeBackend> {
    let ids: B.Buffer          // int32 [slots, 256]
    let values: B.Buffer       // f32 [slots, 256]
    let targets: B.Buffer      // int32 [slots]  each row's top token, whose log-probability gives the log-sum-exp
    let logprobs: B.Buffer     // f32 [slots]

    init(model: LlamaModel<B>) throws {
        let rows = model.cache.shape.slots, backend = model.backend
        ids = try backend.makeBuffer(byteCount: 4 * rows * TopKOp.maxK, label: "engine.ids")
        values = try backend.makeBuffer(byteCount: 4 * rows * TopKOp.maxK, label: "engine.values")
        targets = try backend.makeBuffer(byteCount: 4 * rows, label: "engine.targets")
        logprobs = try backend.makeBuffer(byteCount: 4 * rows, label: "engine.logprobs")
    }

    /// The selection a step over `requests` records: their samplers' needs, and top-k candidates for every row when
    /// one wants `top_logprobs` (the top alternative at least, whose log-probability gives the log-sum-exp).
    func selection(for requests: [CompletionRequest], vocab: Int) -> DecodeSelection<B.Buffer> {
        let alternatives = requests.compactMap(\.logprobs).max().map { $0 + 1 } ?? 0
        return .choose(for: requests.map(\.sampling), alternatives: alternatives, ids: ids, values: values, vocab: vocab)
    }

    /// Each row's log-sum-exp of its logits (`logits`, f32 [rows, vocab], as the step left them), from the device's
    /// log-probability of the row's top candidate: lse = top logit − log p(top).
    func logSumExp(model: LlamaModel<B>, logits: B.Buffer, candidates: StepCandidates, rows: Int) throws -> [Float] {
        let top = (0..<rows).map { candidates.ids[$0 * candidates.stride] }
        try top.withUnsafeBytes { try model.backend.write($0, to: targets, at: 0) }
        try model.backend.tokenLogprobs(TokenLogprobsOp(rows: rows, width: model.config.vocab),
                                        logits: logits, targets: targets, out: logprobs)
        let topLogprobs: [Float] = try model.backend.read(logprobs, count: rows)
        return (0..<rows).map { candidates.values[$0 * candidates.stride] - topLogprobs[$0] }
    }
}
