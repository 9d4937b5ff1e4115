import Foundation
import GGUF
import Hummingbird
import HummingbirdTesting
import Serving
import Steering
import Testing
import Tokenizers
@testable import VeerServer

/// A served model without a model file: a byte-level vocabulary with ChatML's control tokens, so chat rendering and
/// tokenizing run for real. Ids: 0 <|endoftext|>, 1 <|im_start|>, 2 <|im_end|>, 3... the 256 byte characters.
enum TestModel {
    static let served: ServedModel = {
        let byteCharacters = (0..<256).map { String(Character(byteCharacter(UInt8($0)))) }
        let tokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + byteCharacters
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        writer.set("tokenizer.ggml.pre", .string("gpt-2"))
        writer.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        writer.set("tokenizer.ggml.token_type", .array(.int32([3, 3, 3] + Array(repeating: 1, count: 256))))
        writer.set("tokenizer.ggml.merges", .array(.string([])))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(2))
        do {
            let metadata = try GGUFFile(bytes: try writer.serialize(), name: "test-vocab.gguf").metadata
            let identity = ModelIdentity(name: "test-vocab.gguf", architecture: "llama", width: 8, blockCount: 6,
                                         fingerprint: String(repeating: "0", count: 64))
            return ServedModel(id: "test-model", tokenizer: try Tokenizer(metadata: metadata),
                               template: ChatTemplate(style: .chatML(defaultSystemPrompt: nil)), addBOS: false,
                               identity: identity, created: 1_700_000_000)
        } catch {
            fatalError("test vocabulary: \(error)")
        }
    }()

    /// The token id of one ASCII character.
    static func id(_ character: Character) -> Int32 { Int32(3 + Int(character.asciiValue!)) }

    /// GPT-2's byte-to-character table.
    static func byteCharacter(_ byte: UInt8) -> Unicode.Scalar {
        let printable: (Int) -> Bool = { (0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0) }
        if printable(Int(byte)) { return Unicode.Scalar(byte) }
        return Unicode.Scalar(UInt32(256 + (0..<Int(byte)).filter { !printable($0) }.count))!
    }
}

/// Runs `test` against the application over the given engine (the router test framework unless `live`).
func withServer<Value>(_ engine: ScriptedEngine, steering: FakeSteering = FakeSteering(),
                       configuration: ServerConfiguration = ServerConfiguration(port: 0), live: Bool = false,
                       _ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
    let application = VeerHTTPServer.makeApplication(engine: engine, model: TestModel.served, steering: steering,
                                                     configuration: configuration)
    return try await application.test(live ? .live : .router, test)
}

extension TestClientProtocol {
    func post(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object (fails the test if it is not one).
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The `data:` payloads of an SSE body, in order (`[DONE]` included as text).
    var events: [String] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
            #expect(event.hasPrefix("data: "), "not an SSE data line: \(event)")
            return String(event.dropFirst("data: ".count))
        }
    }

    /// The SSE payloads before `[DONE]` as JSON objects; expects exactly one `[DONE]`, last.
    func eventObjects(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let events = events
        #expect(events.last == "[DONE]", "stream does not end with [DONE]: \(text)", sourceLocation: sourceLocation)
        #expect(events.filter { $0 == "[DONE]" }.count == 1, sourceLocation: sourceLocation)
        return try events.dropLast().map { event in
            try #require(JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any], sourceLocation: sourceLocation)
        }
    }

    /// Checks an OpenAI error body: the status, `param` and a message containing `fragment`.
    func expectError(_ status: HTTPResponse.Status, param: String?, mentioning fragment: String = "",
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        let error = try #require(try json()["error"] as? [String: Any], "no error object: \(text)", sourceLocation: sourceLocation)
        #expect(error["param"] as? String == param, "param in \(text)", sourceLocation: sourceLocation)
        if param == nil { #expect(error["param"] is NSNull, "param should be null: \(text)", sourceLocation: sourceLocation) }
        #expect(error["type"] is String, sourceLocation: sourceLocation)
        let message = try #require(error["message"] as? String, sourceLocation: sourceLocation)
        #expect(fragment.isEmpty || message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
    }
}

/// A JSON value compared through Foundation's parse (so key order and number spelling do not matter).
func jsonEqual(_ actual: Any?, _ expected: Any) -> Bool {
    guard let actual else { return false }
    return NSDictionary(dictionary: ["v": actual]).isEqual(to: ["v": expected])
}
