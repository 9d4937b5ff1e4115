import Foundation

/// The engine's state shared between request threads (`submit`, cancellation, snapshots) and its loop thread,
/// behind one lock. The loop owns everything else.
final class EngineInbox: @unchecked Sendable {
    /// A request waiting for a slot.
    struct Pending {
        var id: UInt64
        var request: CompletionRequest
        var output: AsyncStream<CompletionEvent>.Continuation
        var submitted: Date

        /// Ends a request that never got a slot.
        func finish(_ reason: FinishReason, detail: String) {
            output.yield(.finished(CompletionSummary(
                finishReason: reason, promptTokens: request.prompt.count, completionTokens: 0, timeToFirstToken: nil,
                totalSeconds: Date().timeIntervalSince(submitted), detail: detail)))
            output.finish()
        }
    }

    private let condition = NSCondition()
    private var queue: [Pending] = []
    /// Running requests to cancel, with the decode steps done when each was cancelled.
    private var cancelled: [UInt64: Int] = [:]
    private var lastCancellationSteps: Int?
    private var nextID: UInt64 = 1
    private var freeSlots: Int
    private var active = 0
    private var steps = 0
    private var draining = false
    private var stopped = false
    /// Set by `cancelAll`: the loop ends every running request with `.shutdown` and this detail.
    private var shutdownDetail: String?
    /// Seconds the last requests took (for Retry-After).
    private var recentDurations: [Double] = []
    private let capacity: Int

    init(slots: Int, capacity: Int) {
        freeSlots = slots
        self.capacity = capacity
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock(); defer { condition.unlock() }
        return try body()
    }

    /// Queues a request, or refuses it when draining or when the queue beyond the free slots is full.
    func enqueue(_ request: CompletionRequest, slots: Int,
                 output: (UInt64) -> AsyncStream<CompletionEvent>.Continuation) throws(EngineRejection) {
        condition.lock(); defer { condition.unlock() }
        guard !draining, !stopped else { throw .draining }
        guard queue.count - freeSlots < capacity else {
            // Roughly when a slot frees: the queue ahead, spread over the slots, at the recent request time.
            let average = recentDurations.isEmpty ? 1 : recentDurations.reduce(0, +) / Double(recentDurations.count)
            let wait = Double(queue.count - freeSlots + 1) / Double(max(1, slots)) * average
            throw .queueFull(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
        }
        let id = nextID
        nextID += 1
        queue.append(Pending(id: id, request: request, output: output(id), submitted: Date()))
        condition.signal()
    }

    /// Marks a request cancelled (its client went away); a queued one is dropped at once.
    func cancel(_ id: UInt64) {
        locked {
            if let index = queue.firstIndex(where: { $0.id == id }) {
                queue.remove(at: index)
            } else {
                cancelled[id] = steps
            }
            condition.signal()
        }
    }

    /// What the loop takes at a step boundary.
    struct Work {
        var admitted: [Pending]
        /// Request id → decode steps done when it was cancelled.
        var cancelled: [UInt64: Int]
        var shutdownDetail: String?
        var stop: Bool
    }

    /// Waits (only while the loop has nothing running) for work, then takes up to `freeSlotCount` queued requests
    /// and the cancellations.
    func take(freeSlotCount: Int, running: Int) -> Work {
        condition.lock(); defer { condition.unlock() }
        while running == 0, queue.isEmpty, !stopped, shutdownDetail == nil { condition.wait() }
        let admitted = Array(queue.prefix(freeSlotCount))
        queue.removeFirst(admitted.count)
        // Until the loop records its counts, the admitted requests hold slots (so `enqueue` counts the queue right).
        freeSlots = freeSlotCount - admitted.count
        let work = Work(admitted: admitted, cancelled: cancelled, shutdownDetail: shutdownDetail, stop: stopped)
        cancelled = [:]
        return work
    }

    /// The loop's counts after a step; `cancellationSteps`: steps between a cancellation and its slot being freed.
    func record(active: Int, freeSlots: Int, steps: Int, finishedDurations: [Double], cancellationSteps: Int? = nil) {
        locked {
            self.active = active; self.freeSlots = freeSlots; self.steps = steps
            if let cancellationSteps { lastCancellationSteps = cancellationSteps }
            recentDurations = Array((recentDurations + finishedDurations).suffix(32))
        }
    }

    func snapshot() -> EngineSnapshot {
        locked {
            EngineSnapshot(queued: queue.count, active: active, steps: steps, draining: draining,
                           lastCancellationSteps: lastCancellationSteps)
        }
    }

    func beginDrain() { locked { draining = true } }

    /// Ends every queued request with `.shutdown` now and asks the loop to end the running ones.
    func cancelAll(detail: String) {
        let dropped: [Pending] = locked {
            shutdownDetail = detail
            draining = true
            let all = queue
            queue = []
            condition.signal()
            return all
        }
        for pending in dropped { pending.finish(.shutdown, detail: detail) }
    }

    /// Clears the shutdown request once the loop has ended the running requests (later submits are refused anyway).
    func shutdownHandled() { locked { shutdownDetail = nil } }

    func stop() { locked { stopped = true; draining = true; condition.signal() } }
}
