import Hummingbird
import Prometheus
import Serving

/// The server's Prometheus metrics, in a registry of its own (not the process-wide MetricsSystem, so two servers in
/// one process, as in tests, never mix counts). Latencies are measured here from the event stream as the client
/// sees it; queue depth and slot use are read from the engine at scrape time.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let tokensGenerated: Counter
    let promptTokens: Counter
    let timeToFirstToken: ValueHistogram
    let tokenLatency: ValueHistogram
    let requestDuration: ValueHistogram
    private let queueDepth: Gauge
    private let slotsBusy: Gauge
    private let slotsTotal: Gauge

    init() {
        tokensGenerated = registry.makeCounter(descriptor: Self.name("tokens_generated", "total", "Tokens generated for clients."))
        promptTokens = registry.makeCounter(descriptor: Self.name("prompt_tokens", "total", "Prompt tokens of finished requests."))
        timeToFirstToken = registry.makeValueHistogram(
            descriptor: Self.name("time_to_first_token", "seconds", "Seconds from a request's submission to its first token."),
            buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        tokenLatency = registry.makeValueHistogram(
            descriptor: Self.name("token_latency", "seconds", "Seconds between consecutive tokens of one request."),
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        requestDuration = registry.makeValueHistogram(
            descriptor: Self.name("request_duration", "seconds", "Seconds from submission to the end of a generation."),
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300])
        queueDepth = registry.makeGauge(descriptor: Self.name("queue_depth", "", "Requests waiting for a slot."))
        slotsBusy = registry.makeGauge(descriptor: Self.name("slots_busy", "", "Slots holding a request."))
        slotsTotal = registry.makeGauge(descriptor: Self.name("slots_total", "", "KV-cache slots."))
    }

    /// One answered request (`route` is the matched route; Hummingbird names unknown ones "NotFound").
    func countRequest(route: String, status: Int) {
        registry.makeCounter(descriptor: Self.name("requests", "total", "HTTP requests answered, by route and status."),
                             labels: [("route", route), ("status", String(status))]).increment()
    }

    /// A generation that ended: its token counts and duration.
    func recordFinished(_ summary: CompletionSummary) {
        tokensGenerated.increment(by: Int64(summary.completionTokens))
        promptTokens.increment(by: Int64(summary.promptTokens))
        requestDuration.record(summary.totalSeconds)
    }

    /// The exposition text, with the engine's gauges read now.
    func exposition(_ snapshot: EngineSnapshot, _ info: EngineInfo) -> [UInt8] {
        queueDepth.set(Double(snapshot.queued))
        slotsBusy.set(Double(snapshot.active))
        slotsTotal.set(Double(info.slots))
        return registry.emitToBuffer()
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "veer", metricName: metric, unitName: unit, helpText: help)
    }
}

/// Counts every answered request by route and status (errors included: it runs outside the error middleware).
struct RequestCountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        metrics.countRequest(route: context.endpointPath ?? "NotFound", status: response.status.code)
        return response
    }
}
