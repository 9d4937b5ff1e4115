import Logging

/// How `veer serve` listens and guards itself (the CLI's flags).
public struct ServerConfiguration: Sendable {
    /// The address to bind; loopback unless the operator says otherwise.
    public var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one (reported through `onReady`).
    public var port = 8080
    /// When set, every route but /health and / needs `Authorization: Bearer <apiKey>`.
    public var apiKey: String? = nil
    /// The largest request body read; a larger one is a 400 naming the limit.
    public var maxBodyBytes = 1 << 20
    /// Seconds a SIGTERM waits for running requests before cancelling them.
    public var drainTimeout: Double = 30
    public var logLevel: Logger.Level = .info

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, maxBodyBytes: Int = 1 << 20,
                drainTimeout: Double = 30, logLevel: Logger.Level = .info) {
        self.host = host; self.port = port; self.apiKey = apiKey; self.maxBodyBytes = maxBodyBytes
        self.drainTimeout = drainTimeout; self.logLevel = logLevel
    }
}
