import Foundation
import Llama
import Tokenizers

/// A request holding a KV-cache slot, owned by the engine's loop: its prompt is prefilled in chunks, then it takes one
/// row of every decode step until it ends.
struct RunningRequest {
    let id: UInt64
    let request: CompletionRequest
    let output: AsyncStream<CompletionEvent>.Continuation
    let submitted: Date
    let slot: Int
    var sampler: Sampler
    /// Prompt and generated tokens so far (the penalties' window reads its tail).
    var history: [Int32]
    /// How many of the prompt's first count − 1 tokens are in the cache (the last one is the first decode row).
    var prefilled = 0
    /// Tokens generated (the end-of-generation token included).
    var generated = 0
    var firstToken: Date?
    var text: TextOutput

    init(_ pending: EngineInbox.Pending, slot: Int, tokenizer: Tokenizer) {
        id = pending.id; request = pending.request; output = pending.output; submitted = pending.submitted
        self.slot = slot
        sampler = Sampler(pending.request.sampling)
        history = pending.request.prompt
        text = TextOutput(tokenizer: tokenizer, stops: pending.request.stopStrings)
    }

    /// The prompt rows still to prefill.
    var prefillRemaining: Int { request.prompt.count - 1 - prefilled }
    var isDecoding: Bool { prefillRemaining == 0 }
    /// The token this sequence feeds at the next decode step, and its position.
    var next: Int32 { history.last! }
    var nextPosition: Int32 { Int32(history.count - 1) }

    /// Sends the end of the request and closes its stream.
    func finish(_ reason: FinishReason, trailingText: String = "", detail: String? = nil, now: Date = Date()) {
        output.yield(.finished(CompletionSummary(
            finishReason: reason, trailingText: trailingText, promptTokens: request.prompt.count, completionTokens: generated,
            timeToFirstToken: firstToken.map { $0.timeIntervalSince(submitted) }, totalSeconds: now.timeIntervalSince(submitted),
            detail: detail)))
        output.finish()
    }
}

/// A request's text as tokens arrive: UTF-8 assembled across tokens, stop strings cut out.
struct TextOutput {
    private var detokenizer: StreamingDetokenizer
    private var stops: StopStringFilter

    init(tokenizer: Tokenizer, stops: [String]) {
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        self.stops = StopStringFilter(stops)
    }

    /// The text `token` releases, and whether it completed a stop string (the text then ends before it).
    mutating func add(_ token: Int32) -> (text: String, stopped: Bool) {
        let text = stops.feed(detokenizer.append(token))
        return (text, stops.stopped)
    }

    /// What was held back, at the end.
    mutating func finish() -> String {
        guard !stops.stopped else { return "" }
        let tail = stops.feed(detokenizer.finish())
        return stops.stopped ? tail : tail + stops.finish()
    }
}
