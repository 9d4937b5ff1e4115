import Dispatch
import Synchronization

/// A parallel for-loop over numbered chunks with a fixed thread budget.
///
/// Workers take chunk numbers from a shared counter until none are left, so a busy core slows nobody down; which
/// worker runs a chunk never changes its result, because every kernel computes each output element in one code
/// path whose arithmetic order depends only on the op's shape. That is what keeps results bit-identical for any
/// thread count. Not reentrant: the owning backend runs one op at a time (`CPUBackend.serialized`).
final class WorkerPool: @unchecked Sendable {
    let threads: Int
    private let nextChunk = Atomic<Int>(0)

    init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Runs `body(chunk, worker)` once for every chunk in 0..<chunks; worker is in 0..<threads (for per-worker
    /// scratch). Returns when all chunks are done.
    func run(chunks: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        let workers = min(threads, chunks)
        if workers <= 1 {
            for chunk in 0..<chunks { body(chunk, 0) }
            return
        }
        nextChunk.store(0, ordering: .relaxed)
        withoutActuallyEscaping(body) { body in
            // The body captures raw pointers (not Sendable); the counter hands each chunk to exactly one worker.
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let chunk = self.nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                    if chunk >= chunks { break }
                    task.value(chunk, worker)
                }
            }
        }
    }

    /// Splits `count` items into chunks of `itemsPerChunk` and runs `body(range, worker)` for each. Work smaller
    /// than `minimumItems` runs on the calling thread: waking workers costs more than it saves.
    func forEachRange(count: Int, itemsPerChunk: Int, minimumItems: Int = 1,
                      _ body: (_ range: Range<Int>, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        let perChunk = max(1, itemsPerChunk)
        if count < minimumItems {
            body(0..<count, 0)
            return
        }
        let chunks = (count + perChunk - 1) / perChunk
        run(chunks: chunks) { chunk, worker in
            body(chunk * perChunk ..< min(count, (chunk + 1) * perChunk), worker)
        }
    }
}

/// Carries a value the compiler cannot prove Sendable into a concurrent closure; the caller guarantees the
/// accesses do not race (here: disjoint output ranges per chunk).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
