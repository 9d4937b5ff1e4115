import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Serving
import ServiceLifecycle
import Testing
@testable import VeerServer
#if canImport(Glibc)
import Glibc
#endif

/// A client that goes away stops the engine's stream; SIGTERM's drain ends held streams with an error event.
/// Serialized: the SIGTERM test signals the whole test process, and the live test's server would stop on it too.
/// The release pass runs these beside long model tests that hold Swift's cooperative threads for seconds: the sockets
/// block on threads of their own (`RawConnection`) and the time limits are generous.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DisconnectAndDrainTests {
    static let request = CompletionRequest(prompt: [1], maxTokens: 4, sampling: .init())
    struct WriteFailed: Error {}

    @Test func failedWriteCancelsTheEngineStream() async throws {
        let engine = ScriptedEngine { _ in .hold([.token(GeneratedToken(id: 5, text: "a"))]) }
        let events = try engine.submit(Self.request)
        await #expect(throws: WriteFailed.self) {
            try await EventRelay.relay(events, submitted: .now, metrics: ServerMetrics()) { _ in throw WriteFailed() }
        }
        #expect(engine.record.terminations == ["cancelled"])
    }

    @Test func finishedStreamTerminatesNormally() async throws {
        let engine = ScriptedEngine { _ in .events(answer(["a"])) }
        var seen = 0
        try await EventRelay.relay(try engine.submit(Self.request), submitted: .now, metrics: ServerMetrics()) { _ in seen += 1 }
        #expect(seen == 2 && engine.record.terminations == ["finished"])
    }

    /// Over a real connection: the client reads the first token and closes its socket while the engine still holds
    /// the stream open; the server must cancel the engine's stream without waiting for another token.
    @Test func clientClosingMidStreamCancelsTheEngineStream() async throws {
        let engine = ScriptedEngine { _ in .hold([.token(GeneratedToken(id: 75, text: "Hel"))]) }
        try await withServer(engine, live: true) { client in
            let port = try #require(client.port)
            let socket = try RawConnection(port: port)
            let body = #"{"messages": [{"role": "user", "content": "Hi"}], "stream": true}"#
            try socket.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                            "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let received = try await socket.receive(until: "Hel")
            #expect(received.contains("text/event-stream"))
            socket.close()
            for _ in 0..<6000 where engine.record.terminations.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(engine.record.terminations == ["cancelled"])
        }
    }

    /// SIGTERM's sequence, run by a graceful shutdown of the service group: drain, wait, cancel what is left; a held
    /// stream then ends with an SSE error event and [DONE].
    @Test func gracefulShutdownDrainsThenCancelsHeldStreams() async throws {
        let engine = ScriptedEngine { _ in .hold([.token(GeneratedToken(id: 75, text: "Hel"))]) }
        let application = VeerHTTPServer.makeApplication(engine: engine, model: TestModel.served, steering: FakeSteering(),
                                                         configuration: ServerConfiguration(port: 0))
        try await application.test(.router) { client in
            async let streamed = client.post("/v1/completions", #"{"prompt": "a", "stream": true}"#)
            for _ in 0..<6000 where engine.snapshot().active == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let drain = GracefulDrain(engine: engine, timeout: 0.25, logger: .init(label: "test"))
            let group = ServiceGroup(configuration: .init(services: [drain], logger: .init(label: "test")))
            async let run: Void = group.run()
            await group.triggerGracefulShutdown()
            try await run
            #expect(engine.record.calls == ["beginDrain", "waitUntilIdle(0.25)", "cancelAll"])
            let chunks = try await streamed.eventObjects()
            #expect((chunks.first?["choices"] as? [[String: Any]])?.first?["text"] as? String == "Hel")
            let error = try #require(chunks.last?["error"] as? [String: Any])
            #expect(error["code"] as? String == "shutdown")
            #expect((error["message"] as? String)?.contains("drain timeout of 0.25 s") == true)
        }
    }
}

/// The real entry point: SIGTERM (sent to this process once the server listens) drains, cancels the stream still
/// running with an error event and [DONE], stops the server and returns normally.
extension DisconnectAndDrainTests {
    @Test func sigtermDrainsCancelsAndReturns() async throws {
        let engine = ScriptedEngine { _ in .hold([.token(GeneratedToken(id: 75, text: "Hel"))]) }
        let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
        var configuration = ServerConfiguration(port: 0)
        configuration.drainTimeout = 0.2
        async let served: Void = VeerHTTPServer.run(engine: engine, model: TestModel.served, steering: FakeSteering(),
                                                    configuration: configuration) { reportPort.yield($0) }
        var next = ports.makeAsyncIterator()
        let port = try #require(await next.next())
        #expect(port > 0)
        let socket = try RawConnection(port: port)
        // On a failure below, closing the connection lets the server stop, so `served` returns and the test ends.
        defer { socket.close() }
        let body = #"{"prompt": "a", "stream": true}"#
        try socket.send("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                        "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        _ = try await socket.receive(until: "Hel")
        kill(getpid(), SIGTERM)
        let rest = try await socket.receive(until: "data: [DONE]")
        #expect(rest.contains(#""code":"shutdown""#), "\(rest)")
        socket.close()
        try await served
        #expect(engine.record.calls == ["beginDrain", "waitUntilIdle(0.2)", "cancelAll"])
        #expect(throws: (any Error).self, "the server no longer listens") { try RawConnection(port: port) }
    }
}

/// A blocking TCP client on 127.0.0.1, to close a connection mid-response (the test clients cannot).
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    private var closed = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            _ = Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// What arrives until `marker` has been seen (throws after the 60 s receive timeout). The blocking reads run on
    /// a thread of their own, never on the cooperative pool, which the server's handlers need.
    func receive(until marker: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let reader = Thread { continuation.resume(with: Result { try self.receiveBlocking(until: marker) }) }
            reader.start()
        }
    }

    private func receiveBlocking(until marker: String) throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw POSIXError(.ETIMEDOUT) }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }
}
