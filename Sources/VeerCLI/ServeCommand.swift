import ArgumentParser
import Foundation
import Kernels
import Llama
import Serving
import Steering
import Tokenizers
import VeerServer

/// `veer serve`: an OpenAI-compatible HTTP server on one model, every request with its own sampling and steering,
/// batched together (continuous batching over KV-cache slots). Runs until SIGTERM or SIGINT, then drains.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API with per-request steering.",
        discussion: """
            Routes: POST /v1/chat/completions, POST /v1/completions (streaming or not), GET /v1/models, \
            GET /v1/steering/vectors, GET /health, GET /metrics (Prometheus), and the playground page at /. A request \
            steers with an extra field "steering": [{"vector": NAME, "strength": S, "layers": "5-20", "positions": \
            "..."}] or [{"spec": {...}}]; vectors are the files of --vectors, named by file name. See docs/serve.md.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var templateOptions: ChatTemplateOptions
    @Option(help: "Address to bind (default: loopback only; 0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port; the bound one is printed).") var port = 8080
    @Option(help: "Requests generated at once: one KV-cache slot of --ctx-size positions each.") var slots = 4
    @Option(help: "Requests that may wait for a slot; past it: HTTP 429 with Retry-After.") var queueSize = 64
    @Option(help: "The largest max_tokens a request may ask for.") var maxTokensLimit = 2048
    @Option(help: "The largest request body, in bytes.") var maxBodyBytes = 1 << 20
    @Option(help: "Register every vector file (.gguf) and JSON spec (.json) in this directory by its file name.")
    var vectors: String?
    @Option(name: .customLong("steer"), help: "Default steering FILE[:S] for requests without a steering field (repeatable).")
    var steer: [String] = []
    @Flag(help: "Refuse vector files made on another model (fingerprint mismatch) instead of warning.") var strict = false
    @Option(help: "Require Authorization: Bearer KEY on every route but /health and the playground page (default: $VEER_API_KEY).")
    var apiKey: String?
    @Option(help: "Seconds to let running requests finish after SIGTERM before they are cancelled.") var drainTimeout: Double = 30
    @Option(help: "Prompt rows prefilled per step, between decode steps (smaller: running streams flow more evenly).")
    var prefillChunk = 64

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0...65535") }
        guard (1...64).contains(slots) else { throw ValidationError("--slots \(slots): expected 1...64") }
        guard queueSize >= 0 else { throw ValidationError("--queue-size \(queueSize): expected >= 0") }
        guard maxTokensLimit >= 1 else { throw ValidationError("--max-tokens-limit \(maxTokensLimit): expected >= 1") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes \(maxBodyBytes): expected >= 1024") }
        guard drainTimeout.isFinite, drainTimeout >= 0 else { throw ValidationError("--drain-timeout \(drainTimeout): expected a number of seconds >= 0") }
        guard (1...512).contains(prefillChunk) else { throw ValidationError("--prefill-chunk \(prefillChunk): expected 1...512") }
        if apiKey?.isEmpty == true { throw ValidationError("--api-key: the key is empty") }
    }

    struct Task: ModelTask {
        var command: ServeCommand

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws {
            let c = command
            let identity = try ModelIdentity(file: s.file)
            let registry = try VectorRegistry(directory: c.vectors, defaults: try c.steer.map(ScaledVectorPath.init(argument:)),
                                              model: identity, strict: c.strict)
            for warning in registry.warnings { Console.note("warning: \(warning)") }
            Console.note("veer serve: \(registry.vectors.count) steering vector(s) registered"
                         + (registry.vectors.isEmpty ? "" : ": " + registry.vectors.map(\.name).joined(separator: ", ")))
            let name = s.file.metadata["general.name"]?.stringValue ?? URL(fileURLWithPath: s.manifest.model).deletingPathExtension().lastPathComponent
            let served = ServedModel(id: name, tokenizer: s.tokenizer, template: try c.templateOptions.template(for: s.file),
                                     addBOS: s.addBOS, identity: identity, created: Int(Date().timeIntervalSince1970))
            let engine = try BatchEngine(model: s.model, tokenizer: s.tokenizer, queueCapacity: c.queueSize,
                                         maxTokensLimit: c.maxTokensLimit, prefillChunk: c.prefillChunk,
                                         backend: s.manifest.backend == "cpu" ? "cpu" : "vulkan: \(s.manifest.device)")
            defer { engine.shutdown() }
            let apiKey = c.apiKey ?? ProcessInfo.processInfo.environment["VEER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            let configuration = ServerConfiguration(host: c.host, port: c.port, apiKey: apiKey, maxBodyBytes: c.maxBodyBytes,
                                                    drainTimeout: c.drainTimeout)
            let host = c.host
            try BlockingAsync.run {
                try await VeerHTTPServer.run(engine: engine, model: served, steering: registry, configuration: configuration) { port in
                    Console.note("veer serve: listening on http://\(host):\(port)")
                }
            }
            Console.note("veer serve: stopped")
        }
    }

    func run() throws {
        try ModelLoader.run(modelOptions, slots: slots, maxRows: max(prefillChunk, slots), maxLogitRows: slots,
                            task: Task(command: self))
    }
}
