import Kernels
import Llama

/// The decode step of the requests that are generating, recorded once for that set (rows in `members` order).
struct RecordedStep<B: ComputeBackend> {
    /// [rows] the request ids the step's rows belong to.
    let members: [UInt64]
    let step: DecodeStep<B>
    let selection: DecodeSelection<B.Buffer>
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

    /// The selection a step over `requests` records: argmax when every one is greedy without a penalty and none
    /// wants log-probabilities, else the top-k candidates for the largest count any of them may ask for (the first k
    /// of them are the top k for every smaller k; a greedy row takes the first, which is the argmax).
    func selection(for requests: [CompletionRequest], vocab: Int) -> DecodeSelection<B.Buffer> {
        let settings = requests.map(\.sampling)
        if settings.allSatisfy(\.isPlainArgmax), requests.allSatisfy({ $0.logprobs == nil }) { return .argmax(ids: ids) }
        let sampling = settings.map { $0.candidateCount(penalized: $0.penaltyWindow, vocab: vocab) }.max()!
        let alternatives = requests.compactMap(\.logprobs).max().map { $0 + 1 } ?? 1
        return .topk(ids: ids, values: values, k: min(TopKOp.maxK, vocab, max(sampling, alternatives)))
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
