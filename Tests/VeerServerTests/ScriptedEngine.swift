import Serving
import Synchronization

/// A `CompletionEngine` that answers from a script, for the HTTP tests: it records what it was asked and how each
/// stream ended (`onTermination`), and can refuse, drain, or hold a stream open until it is cancelled.
final class ScriptedEngine: CompletionEngine {
    enum Script: Sendable {
        /// Yield these events and finish.
        case events([CompletionEvent])
        /// Yield these events and keep the stream open (until the client goes away or `cancelAll`).
        case hold([CompletionEvent])
    }

    struct Record: Sendable {
        var submitted: [CompletionRequest] = []
        var terminations: [String] = []
        var calls: [String] = []
        var draining = false
        var held: [AsyncStream<CompletionEvent>.Continuation] = []
    }

    let info: EngineInfo
    private let script: @Sendable (CompletionRequest) -> Script
    private let rejection: EngineRejection?
    private let state = Mutex(Record())

    init(info: EngineInfo = ScriptedEngine.defaultInfo, rejection: EngineRejection? = nil,
         script: @escaping @Sendable (CompletionRequest) -> Script) {
        self.info = info; self.rejection = rejection; self.script = script
    }

    static let defaultInfo = EngineInfo(slots: 4, contextSize: 64, queueCapacity: 8, maxTokensLimit: 100, backend: "scripted")

    var record: Record { state.withLock { $0 } }

    func submit(_ request: CompletionRequest) throws(EngineRejection) -> AsyncStream<CompletionEvent> {
        if let rejection { throw rejection }
        if state.withLock({ $0.draining }) { throw .draining }
        let (stream, continuation) = AsyncStream.makeStream(of: CompletionEvent.self)
        continuation.onTermination = { [weak self] termination in
            self?.state.withLock { $0.terminations.append("\(termination)") }
        }
        state.withLock { $0.submitted.append(request) }
        switch script(request) {
        case let .events(events):
            for event in events { continuation.yield(event) }
            continuation.finish()
        case let .hold(events):
            for event in events { continuation.yield(event) }
            state.withLock { $0.held.append(continuation) }
        }
        return stream
    }

    func snapshot() -> EngineSnapshot {
        state.withLock { EngineSnapshot(queued: 1, active: $0.held.count, steps: 7, draining: $0.draining) }
    }

    func beginDrain() { state.withLock { $0.draining = true; $0.calls.append("beginDrain") } }

    func waitUntilIdle(timeout seconds: Double) async -> Bool {
        state.withLock { $0.calls.append("waitUntilIdle(\(seconds))"); return $0.held.isEmpty }
    }

    func cancelAll(detail: String) {
        let held = state.withLock { record in
            record.calls.append("cancelAll")
            defer { record.held = [] }
            return record.held
        }
        for continuation in held {
            continuation.yield(.finished(CompletionSummary(finishReason: .shutdown, promptTokens: 3, completionTokens: 1,
                                                           timeToFirstToken: 0.01, totalSeconds: 0.02, detail: detail)))
            continuation.finish()
        }
    }

    func shutdown() { state.withLock { $0.calls.append("shutdown") } }
}

/// Events for a short answer: tokens with the given texts, then a summary.
func answer(_ texts: [String], ids: [Int32]? = nil, finish: FinishReason = .stop, trailing: String = "",
            promptTokens: Int = 5, logprobs: Bool = false) -> [CompletionEvent] {
    var events: [CompletionEvent] = []
    for (index, text) in texts.enumerated() {
        let id = ids?[index] ?? Int32(100 + index)
        let top = logprobs ? [TokenLogprob(id: id, text: text, logprob: -0.25), TokenLogprob(id: 7, text: "d", logprob: -1.5)] : []
        events.append(.token(GeneratedToken(id: id, text: text, logprob: logprobs ? -0.25 : nil, topLogprobs: top)))
    }
    events.append(.finished(CompletionSummary(finishReason: finish, trailingText: trailing, promptTokens: promptTokens,
                                              completionTokens: texts.count, timeToFirstToken: 0.5, totalSeconds: 2,
                                              detail: finish == .degenerate ? "block 3 went NaN" : nil)))
    return events
}
