/// Runs completion requests together on one model (continuous batching). The HTTP layer talks only to this
/// protocol, so it is tested with a scripted engine and runs any backend.
public protocol CompletionEngine: AnyObject, Sendable {
    /// Fixed facts about the engine.
    var info: EngineInfo { get }
    /// Starts a request, or throws `EngineRejection` (queue full, draining, invalid) before any work. The stream
    /// yields its tokens and then one `.finished`. Dropping or cancelling the stream (the client went away) cancels the
    /// request: its slot is free before the next decode step.
    func submit(_ request: CompletionRequest) throws(EngineRejection) -> AsyncStream<CompletionEvent>
    /// What the engine is doing now (read by /metrics and /health).
    func snapshot() -> EngineSnapshot
    /// Stops admitting requests: later `submit`s throw `.draining`; running and queued ones go on.
    func beginDrain()
    /// Waits until no request is queued or running, or `seconds` pass; returns whether it became idle.
    func waitUntilIdle(timeout seconds: Double) async -> Bool
    /// Ends every queued and running request now with `.shutdown` and `detail`.
    func cancelAll(detail: String)
    /// Stops the engine's thread (after `cancelAll`); the engine accepts nothing afterwards.
    func shutdown()
}

/// Fixed facts about an engine.
public struct EngineInfo: Sendable, Equatable {
    /// KV-cache slots: the most requests that generate at once.
    public var slots: Int
    /// Positions per slot: prompt plus generated tokens must fit.
    public var contextSize: Int
    /// The most requests that wait for a slot; past it `submit` throws `.queueFull`.
    public var queueCapacity: Int
    /// The largest `maxTokens` a request may ask for.
    public var maxTokensLimit: Int
    /// The backend and device, e.g. "cpu (2 threads)" or "vulkan: llvmpipe".
    public var backend: String

    public init(slots: Int, contextSize: Int, queueCapacity: Int, maxTokensLimit: Int, backend: String) {
        self.slots = slots; self.contextSize = contextSize; self.queueCapacity = queueCapacity
        self.maxTokensLimit = maxTokensLimit; self.backend = backend
    }
}

/// A moment of the engine.
public struct EngineSnapshot: Sendable, Equatable {
    /// Requests waiting for a slot.
    public var queued: Int
    /// Requests holding a slot (prefilling or decoding).
    public var active: Int
    /// Decode steps run since start.
    public var steps: Int
    /// Whether `beginDrain` was called.
    public var draining: Bool
    /// Decode steps that ran between the last cancellation of a running request and its slot being freed (0 or 1:
    /// the cancellation is taken at the next step boundary); nil before any.
    public var lastCancellationSteps: Int?
    public init(queued: Int, active: Int, steps: Int, draining: Bool, lastCancellationSteps: Int? = nil) {
        self.queued = queued; self.active = active; self.steps = steps; self.draining = draining
        self.lastCancellationSteps = lastCancellationSteps
    }
}

/// Why `submit` refused a request (nothing ran).
public enum EngineRejection: Error, Sendable, Equatable {
    /// Every slot is busy and the queue is full: HTTP 429 with `Retry-After: retryAfterSeconds`.
    case queueFull(retryAfterSeconds: Int)
    /// The server is shutting down: HTTP 503.
    case draining
    /// The request cannot run; `field` is the OpenAI request field to name (e.g. "max_tokens", "messages").
    case invalid(field: String, message: String)
}
