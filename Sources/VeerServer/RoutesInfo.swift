import Hummingbird
import Serving

/// The read-only routes: /health, /metrics, /v1/models, /v1/steering/vectors.
struct InfoRoutes: Sendable {
    let engine: any CompletionEngine
    let model: ServedModel
    let steering: any SteeringResolving
    let metrics: ServerMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in health() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(engine.snapshot(), engine.info))))
        }
        router.get("/v1/models") { _, _ in
            json(ModelList(data: [.init(id: model.id, created: model.created)]))
        }
        router.get("/v1/steering/vectors") { _, _ in
            json(VectorList(data: steering.vectors, default: steering.defaults))
        }
    }

    /// 200 `{"status":"ok"}`: the server only listens once the model is loaded; 503 `{"status":"draining"}` while
    /// shutting down, so a load balancer stops sending requests.
    func health() -> Response {
        struct Health: Encodable { var status: String }
        let draining = engine.snapshot().draining
        return json(Health(status: draining ? "draining" : "ok"), status: draining ? .serviceUnavailable : .ok)
    }
}

func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: JSONOutput.encode(value))))
}
