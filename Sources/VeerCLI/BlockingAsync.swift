import Foundation

/// Runs async work from a synchronous command and waits for it: the commands are `ParsableCommand`s whose model
/// sessions are synchronous, and only `serve` needs the async world (the HTTP server).
enum BlockingAsync {
    /// A result handed from the task to the waiting thread (written once, before the semaphore is signalled).
    private final class Outcome: @unchecked Sendable {
        var result: Result<Void, any Error> = .success(())
    }

    static func run(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task.detached {
            do { try await body() } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        try outcome.result.get()
    }
}
