import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// Continuous batching on one model: every request holds a KV-cache slot; each loop iteration takes at most one
/// prefill chunk (prompt rows of joining requests, no logits) and one decode step over every request that is
/// generating, each row with its own sampler and steering. Requests join and leave at iteration boundaries: the
/// recorded decode step covers a fixed set of slots, so it is recorded again whenever that set changes (a request
/// finishes its prefill, ends, or is cancelled), and a decode step stays one submit. Steering tables hold one entry
/// per slot and are rebuilt only when a joining request's steering differs from what its slot held.
///
/// Rows of a pass do not depend on each other (the `ComputeBackend` contract), and every request samples from its
/// own seeded `Sampler` over the device's candidates, so a request gets the same tokens whatever runs beside it.
///
/// One thread runs the loop; `submit`, cancellation and snapshots go through `EngineInbox`'s lock.
public final class BatchEngine<B: ComputeBackend>: CompletionEngine, @unchecked Sendable {
    public let info: EngineInfo
    let model: LlamaModel<B>
    let tokenizer: Tokenizer
    /// Tokens that end a generation (not sent as text).
    let stopTokens: Set<Int32>
    /// The most prompt rows one iteration prefills (so running streams keep getting a token per iteration).
    let prefillChunk: Int
    let inbox: EngineInbox
    private let loopEnded = DispatchSemaphore(value: 0)

    // Owned by the loop thread.
    var running: [RunningRequest] = []
    var freeSlots: [Int]
    /// [slots] the steering each slot's tables hold (a departed request's stays until the slot is reused).
    var slotSteering: [SequenceSteering?]
    var steering: ForwardSteering<B.Buffer>?
    var recorded: RecordedStep<B>?
    var steps = 0
    let selectionBuffers: SelectionBuffers<B>

    /// An engine on `model` with one request per KV-cache slot (`model.cache.shape.slots`); starts its thread.
    /// - Parameters:
    ///   - queueCapacity: requests that may wait for a slot beyond the free ones.
    ///   - maxTokensLimit: the largest `maxTokens` a request may ask for.
    ///   - prefillChunk: prompt rows per iteration (at most `model.maxRows`).
    ///   - backend: how `info` names the backend.
    public init(model: LlamaModel<B>, tokenizer: Tokenizer, queueCapacity: Int = 64, maxTokensLimit: Int = 4096,
                prefillChunk: Int = 64, backend: String) throws {
        let slots = model.cache.shape.slots
        guard slots <= min(model.maxRows, model.maxLogitRows) else {
            throw ModelError.input("the engine needs a decode row with logits per slot: \(slots) slots, but the model's passes take \(model.maxRows) rows and \(model.maxLogitRows) logit rows")
        }
        guard queueCapacity >= 0, maxTokensLimit >= 1, prefillChunk >= 1 else {
            throw ModelError.input("queue capacity \(queueCapacity), max-tokens limit \(maxTokensLimit) and prefill chunk \(prefillChunk) must be >= 0, >= 1 and >= 1")
        }
        self.model = model
        self.tokenizer = tokenizer
        stopTokens = tokenizer.vocabulary.endOfGeneration
        self.prefillChunk = min(prefillChunk, model.maxRows)
        info = EngineInfo(slots: slots, contextSize: model.cache.shape.ctx, queueCapacity: queueCapacity,
                          maxTokensLimit: maxTokensLimit, backend: backend)
        inbox = EngineInbox(slots: slots, capacity: queueCapacity)
        freeSlots = Array(0..<slots)
        slotSteering = Array(repeating: nil, count: slots)
        selectionBuffers = try SelectionBuffers(model: model)
        let thread = Thread { [self] in
            loop()
            loopEnded.signal()
        }
        thread.name = "veer-engine"
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func submit(_ request: CompletionRequest) throws(EngineRejection) -> AsyncStream<CompletionEvent> {
        try validate(request)
        var stream: AsyncStream<CompletionEvent>?
        try inbox.enqueue(request, slots: info.slots) { [inbox] id in
            let (events, continuation) = AsyncStream.makeStream(of: CompletionEvent.self, bufferingPolicy: .unbounded)
            // The client went away (its task was cancelled or it dropped the stream): free the slot.
            continuation.onTermination = { [weak inbox] termination in
                if case .cancelled = termination { inbox?.cancel(id) }
            }
            stream = events
            return continuation
        }
        return stream!
    }

    /// Refuses a request that cannot run, naming the OpenAI field.
    private func validate(_ request: CompletionRequest) throws(EngineRejection) {
        guard !request.prompt.isEmpty else { throw .invalid(field: "prompt", message: "the prompt is empty: nothing to condition on") }
        guard request.prompt.count < info.contextSize else {
            throw .invalid(field: "prompt", message: "the prompt has \(request.prompt.count) tokens but a context slot holds \(info.contextSize), and at least one token must be generated")
        }
        guard (1...info.maxTokensLimit).contains(request.maxTokens) else {
            throw .invalid(field: "max_tokens", message: "\(request.maxTokens) is outside 1...\(info.maxTokensLimit)")
        }
        if let k = request.logprobs, !(0...CompletionRequest.maxTopLogprobs).contains(k) {
            throw .invalid(field: "top_logprobs", message: "\(k) is outside 0...\(CompletionRequest.maxTopLogprobs)")
        }
        if let bad = request.prompt.first(where: { $0 < 0 || Int($0) >= model.config.vocab }) {
            throw .invalid(field: "prompt", message: "token id \(bad) is outside the vocabulary 0..<\(model.config.vocab)")
        }
        do { try request.sampling.validate() } catch {
            throw .invalid(field: "sampling", message: "\(error)")
        }
        if let steering = request.steering, steering.span.promptLength != request.prompt.count {
            throw .invalid(field: "steering", message: "built for a prompt of \(steering.span.promptLength) tokens, not \(request.prompt.count)")
        }
    }

    public func snapshot() -> EngineSnapshot { inbox.snapshot() }

    public func beginDrain() { inbox.beginDrain() }

    public func waitUntilIdle(timeout seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let now = inbox.snapshot()
            if now.queued == 0, now.active == 0 { return true }
            if Date() >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func cancelAll(detail: String) { inbox.cancelAll(detail: detail) }

    public func shutdown() {
        inbox.stop()
        // The loop ends after the step it is in.
        _ = loopEnded.wait(timeout: .now() + 30)
    }
}
