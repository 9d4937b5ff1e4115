import Serving

/// Hands a request's events to the HTTP side, timing them for /metrics. When the handler throws (the client went
/// away and a write failed), the engine's stream is iterated no further *and cancelled*: its iteration runs in a child
/// task that is cancelled, which is what ends an `AsyncStream` from the consumer's side (dropping an iterator does
/// not, while the engine holds the continuation). The engine's `onTermination` then frees the slot.
enum EventRelay {
    static func relay(_ stream: AsyncStream<CompletionEvent>, submitted: ContinuousClock.Instant, metrics: ServerMetrics,
                      handle: (CompletionEvent) async throws -> Void) async throws {
        let (relayed, relay) = AsyncStream<CompletionEvent>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in stream { relay.yield(event) }
                relay.finish()
            }
            var lastToken: ContinuousClock.Instant?
            do {
                for await event in relayed {
                    let now = ContinuousClock.now
                    switch event {
                    case .token:
                        if let lastToken { metrics.tokenLatency.record((now - lastToken).seconds) }
                        else { metrics.timeToFirstToken.record((now - submitted).seconds) }
                        lastToken = now
                    case let .finished(summary):
                        metrics.recordFinished(summary)
                    }
                    try await handle(event)
                }
            } catch {
                group.cancelAll()
                throw error
            }
            try await group.waitForAll()
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
