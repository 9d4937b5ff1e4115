import Foundation
import Synchronization

/// A parallel for-loop over numbered chunks with a fixed thread budget, on threads that live as long as the pool.
///
/// A decode step issues a few hundred small ops back to back; waking threads for each (as
/// `DispatchQueue.concurrentPerform` does) cost more than many of the ops themselves. So the pool keeps `threads − 1`
/// workers of its own: after a job they spin on the job counter for a short while (the next op usually follows within
/// microseconds) and only then sleep on a condition variable. The calling thread is worker 0 and works too.
///
/// Workers take chunk numbers from a shared counter until none are left, so a busy core slows nobody down; which
/// worker runs a chunk never changes its result, because every kernel computes each output element in one code
/// path whose arithmetic order depends only on the op's shape. That is what keeps results bit-identical for any
/// thread count. Not reentrant: the owning backend runs one op at a time (`CPUBackend.serialized`).
final class WorkerPool: @unchecked Sendable {
    let threads: Int
    private let crew: Crew?

    init(threads: Int) {
        self.threads = max(1, threads)
        crew = self.threads > 1 ? Crew(helpers: self.threads - 1) : nil
    }

    deinit { crew?.stop() }

    /// Runs `body(chunk, worker)` once for every chunk in 0..<chunks; worker is in 0..<threads (for per-worker
    /// scratch). Returns when all chunks are done.
    func run(chunks: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        guard let crew, chunks > 1 else {
            for chunk in 0..<chunks { body(chunk, 0) }
            return
        }
        withoutActuallyEscaping(body) { crew.run(chunks: chunks, $0) }
    }

    /// Splits `count` items into chunks of `itemsPerChunk` and runs `body(range, worker)` for each. Work smaller
    /// than `minimumItems` runs on the calling thread: handing it out costs more than it saves.
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

/// The pool's own threads and the state they share with the caller. Separate from `WorkerPool` because the threads
/// hold it: the pool's `deinit` can then stop them.
private final class Crew: @unchecked Sendable {
    typealias Body = (_ chunk: Int, _ worker: Int) -> Void

    /// How long an idle worker polls for the next job before it sleeps. Long enough to bridge the gap between two
    /// ops of a forward pass (a few microseconds of host work), short enough not to burn a core between tokens.
    static let spinNanoseconds: UInt64 = 200_000

    private let helpers: Int
    /// Bumped once per job; a worker that sees a new value takes part in it. Negative: stop.
    private let jobNumber = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    /// Helpers still working on the current job.
    private let busy = Atomic<Int>(0)
    /// Helpers asleep (or about to be) on `wake`.
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// The current job; written before `jobNumber` is bumped and read after it is seen (release/acquire), valid
    /// until `busy` drops to zero, which `run` waits for.
    private var body: Body?
    private var chunks = 0

    init(helpers: Int) {
        self.helpers = helpers
        for index in 1...helpers {
            let thread = Thread { [self] in work(as: index) }
            thread.name = "veer-cpu-\(index)"
            thread.start()
        }
    }

    func run(chunks: Int, _ body: @escaping Body) {
        self.body = body
        self.chunks = chunks
        nextChunk.store(0, ordering: .relaxed)
        busy.store(helpers, ordering: .relaxed)
        jobNumber.wrappingAdd(1, ordering: .sequentiallyConsistent)
        wakeSleepers()
        takeChunks(body, chunks: chunks, worker: 0)
        while busy.load(ordering: .acquiring) > 0 {}
        self.body = nil
    }

    func stop() {
        jobNumber.store(Int.min, ordering: .sequentiallyConsistent)
        wakeSleepers()
    }

    private func wakeSleepers() {
        // Sequentially consistent with the sleeper's increment-then-check: either it sees the new job number, or
        // this load sees it and the broadcast (under the lock it checks in) wakes it.
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            wake.lock()
            wake.broadcast()
            wake.unlock()
        }
    }

    private func takeChunks(_ body: Body, chunks: Int, worker: Int) {
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            if chunk >= chunks { return }
            body(chunk, worker)
        }
    }

    private func work(as worker: Int) {
        var seen = 0
        while true {
            let current = waitForJob(after: seen)
            if current < 0 { return }
            seen = current
            takeChunks(body!, chunks: chunks, worker: worker)
            busy.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// The next job number after `seen`: polls for `spinNanoseconds`, then sleeps until `run` or `stop` wakes it.
    private func waitForJob(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var polls = 0
        while true {
            let current = jobNumber.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            // Reading the clock costs more than a poll: look at it every 64 polls.
            if polls & 63 == 0, DispatchTime.now().uptimeNanoseconds > deadline { break }
        }
        sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        wake.lock()
        var current = jobNumber.load(ordering: .sequentiallyConsistent)
        while current == seen {
            wake.wait()
            current = jobNumber.load(ordering: .acquiring)
        }
        wake.unlock()
        sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        return current
    }
}

/// Carries a value the compiler cannot prove Sendable into a concurrent closure; the caller guarantees the
/// accesses do not race (here: disjoint output ranges per chunk).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
