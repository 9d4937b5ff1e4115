import Hummingbird
import Logging
import Serving
import ServiceLifecycle

/// `veer serve`'s HTTP side: OpenAI-compatible routes over any `CompletionEngine` (see docs/serve.md).
public enum VeerHTTPServer {
    /// Serves until SIGTERM or SIGINT; then drains (`engine.beginDrain()`, `waitUntilIdle(drainTimeout)`,
    /// `cancelAll` for what is left, whose streams end with an SSE error event and `[DONE]`), stops the HTTP server and
    /// returns. The caller then calls `engine.shutdown()`. `onReady` gets the bound port (useful with port 0).
    public static func run(engine: any CompletionEngine, model: ServedModel, steering: any SteeringResolving,
                           configuration: ServerConfiguration, onReady: @escaping @Sendable (Int) -> Void) async throws {
        let logger = makeLogger(configuration)
        let application = makeApplication(engine: engine, model: model, steering: steering, configuration: configuration,
                                          logger: logger, onReady: onReady)
        let drain = GracefulDrain(engine: engine, timeout: configuration.drainTimeout, logger: logger)
        // Listed after the application: shut down first (services stop in reverse order).
        let group = ServiceGroup(configuration: .init(services: [application, drain],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The Hummingbird application: routes, errors, auth and metrics (tests drive it with HummingbirdTesting).
    public static func makeApplication(engine: any CompletionEngine, model: ServedModel, steering: any SteeringResolving,
                                       configuration: ServerConfiguration, logger: Logger? = nil,
                                       onReady: (@Sendable (Int) -> Void)? = nil) -> some ApplicationProtocol {
        let metrics = ServerMetrics()
        let router = Router()
        // Outermost first: count what the client got, after errors became OpenAI JSON (401s included).
        router.add(middleware: RequestCountingMiddleware(metrics: metrics))
        router.add(middleware: OpenAIErrorMiddleware())
        if let apiKey = configuration.apiKey { router.add(middleware: BearerAuthMiddleware(apiKey: apiKey)) }
        let mapper = RequestMapper(model: model, info: engine.info, steering: steering)
        CompletionRoutes(mapper: mapper, responder: CompletionResponder(engine: engine, metrics: metrics), model: model,
                         maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        InfoRoutes(engine: engine, model: model, steering: steering, metrics: metrics).register(on: router)
        PlaygroundRoute.register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "veer"),
            onServerRunning: { channel in onReady?(channel.localAddress?.port ?? configuration.port) },
            logger: logger ?? makeLogger(configuration))
    }

    static func makeLogger(_ configuration: ServerConfiguration) -> Logger {
        var logger = Logger(label: "veer.serve")
        logger.logLevel = configuration.logLevel
        return logger
    }
}
