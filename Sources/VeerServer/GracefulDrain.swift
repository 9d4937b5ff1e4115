import Logging
import Serving
import ServiceLifecycle

/// The SIGTERM sequence. It runs as a service listed after the HTTP application, and a service group shuts its
/// services down in reverse order, one after the other: so on SIGTERM this runs first, while the HTTP server still
/// answers (new requests get 503, /health says draining), and the server is stopped only once it returns, after
/// the last stream has written its end.
struct GracefulDrain: Service {
    let engine: any CompletionEngine
    let timeout: Double
    let logger: Logger

    func run() async throws {
        // Returns when shutdown begins; throws when the group is cancelled instead (then the drain still runs).
        try? await gracefulShutdown()
        logger.info("veer serve: draining (up to \(timeout) s)", metadata: ["queued": "\(engine.snapshot().queued)", "active": "\(engine.snapshot().active)"])
        engine.beginDrain()
        if await engine.waitUntilIdle(timeout: timeout) {
            logger.info("veer serve: drained")
        } else {
            logger.warning("veer serve: drain timeout; cancelling what is left")
            engine.cancelAll(detail: "the drain timeout of \(timeout) s passed during shutdown")
        }
    }
}
