import Foundation

// The request bodies of /v1/chat/completions and /v1/completions as OpenAI (and llama-server) define them. Unknown
// fields are ignored (OpenAI clients send many); a known field of the wrong type fails decoding with its path, which
// `JSONBody` turns into a 400 naming it. Ranges and limits are checked in `RequestMapper`.

/// The fields both endpoints share.
struct CommonFields: Decodable {
    var model: String?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var stop: StopField?
    var seed: Int64?
    var repeatPenalty: Double?
    var frequencyPenalty: Double?
    var presencePenalty: Double?
    var n: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    /// Absent (or null): the server's default steering; `[]`: none.
    var steering: [SteeringEntry]?
    /// OpenAI features Veer does not have: present with a non-trivial value → 400 naming them.
    var logitBias: [String: Double]?
    var tools: [JSONValue]?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        maxTokens = try container.decodeIntegerIfPresent(Int.self, forKey: .maxTokens)
        maxCompletionTokens = try container.decodeIntegerIfPresent(Int.self, forKey: .maxCompletionTokens)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try container.decodeIfPresent(Double.self, forKey: .topP)
        topK = try container.decodeIntegerIfPresent(Int.self, forKey: .topK)
        minP = try container.decodeIfPresent(Double.self, forKey: .minP)
        stop = try container.decodeIfPresent(StopField.self, forKey: .stop)
        seed = try container.decodeIntegerIfPresent(Int64.self, forKey: .seed)
        repeatPenalty = try container.decodeIfPresent(Double.self, forKey: .repeatPenalty)
        frequencyPenalty = try container.decodeIfPresent(Double.self, forKey: .frequencyPenalty)
        presencePenalty = try container.decodeIfPresent(Double.self, forKey: .presencePenalty)
        n = try container.decodeIntegerIfPresent(Int.self, forKey: .n)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        steering = try container.decodeIfPresent([SteeringEntry].self, forKey: .steering)
        logitBias = try container.decodeIfPresent([String: Double].self, forKey: .logitBias)
        tools = try container.decodeIfPresent([JSONValue].self, forKey: .tools)
    }

    enum CodingKeys: String, CodingKey {
        case model, temperature, stop, seed, n, stream, steering, tools
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", topP = "top_p", topK = "top_k"
        case minP = "min_p", repeatPenalty = "repeat_penalty", frequencyPenalty = "frequency_penalty"
        case presencePenalty = "presence_penalty", streamOptions = "stream_options", logitBias = "logit_bias"
    }
}

struct StreamOptions: Decodable {
    var includeUsage: Bool?
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// POST /v1/chat/completions.
struct ChatCompletionBody: Decodable {
    var messages: [ChatMessageBody]
    var logprobs: Bool?
    var topLogprobs: Int?
    var common: CommonFields

    enum CodingKeys: String, CodingKey { case messages, logprobs, topLogprobs = "top_logprobs" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decode([ChatMessageBody].self, forKey: .messages)
        logprobs = try container.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try container.decodeIntegerIfPresent(Int.self, forKey: .topLogprobs)
        common = try CommonFields(from: decoder)
    }
}

struct ChatMessageBody: Decodable {
    var role: String
    var content: MessageContent
}

/// A message's `content`: a string, or a list of parts of which only `{"type": "text", "text": ...}` is supported.
struct MessageContent: Decodable {
    var text: String

    private struct Part: Decodable { var type: String; var text: String? }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self.text = text; return }
        guard let parts = try? container.decode([Part].self) else {
            throw DecodingError.typeMismatch(String.self, .init(
                codingPath: decoder.codingPath, debugDescription: "expected a string or a list of {\"type\": \"text\", \"text\": ...} parts"))
        }
        var text = ""
        for part in parts {
            guard part.type == "text", let partText = part.text else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "content part of type \"\(part.type)\" is not supported (only \"text\")"))
            }
            text += partText
        }
        self.text = text
    }
}

/// POST /v1/completions.
struct TextCompletionBody: Decodable {
    var prompt: PromptField
    /// Completions' `logprobs` is a count of alternatives per token (0...20).
    var logprobs: Int?
    var echo: Bool?
    var bestOf: Int?
    var suffix: String?
    var common: CommonFields

    enum CodingKeys: String, CodingKey { case prompt, logprobs, echo, suffix, bestOf = "best_of" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(PromptField.self, forKey: .prompt)
        logprobs = try container.decodeIntegerIfPresent(Int.self, forKey: .logprobs)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo)
        bestOf = try container.decodeIntegerIfPresent(Int.self, forKey: .bestOf)
        suffix = try container.decodeIfPresent(String.self, forKey: .suffix)
        common = try CommonFields(from: decoder)
    }
}

/// Completions' `prompt`: a string, a list of strings (one prompt per request here) or a list of token ids.
enum PromptField: Decodable, Equatable {
    case texts([String])
    case tokens([Int])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self = .texts([text]); return }
        if let texts = try? container.decode([String].self) { self = .texts(texts); return }
        if let tokens = try? container.decode([Int].self) { self = .tokens(tokens); return }
        throw DecodingError.typeMismatch(String.self, .init(
            codingPath: decoder.codingPath, debugDescription: "expected a string, a list of one string or a list of token ids"))
    }
}

/// `stop`: one string or a list of them.
struct StopField: Decodable {
    var strings: [String]
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) { strings = [one]; return }
        guard let many = try? container.decode([String].self) else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings"))
        }
        strings = many
    }
}

/// One `steering` entry: `{"vector", "strength", "layers", "positions"}` or `{"spec": {...}}`.
struct SteeringEntry: Decodable {
    enum Kind { case vector(name: String, strength: Double?, layers: String?, positions: String?), spec(Data) }
    var kind: Kind

    enum CodingKeys: String, CodingKey { case vector, strength, layers, positions, spec }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decodeIfPresent(String.self, forKey: .vector)
        let spec = try container.decodeIfPresent(JSONValue.self, forKey: .spec)
        switch (name, spec) {
        case let (name?, nil):
            kind = .vector(name: name, strength: try container.decodeIfPresent(Double.self, forKey: .strength),
                           layers: try container.decodeIfPresent(String.self, forKey: .layers),
                           positions: try container.decodeIfPresent(String.self, forKey: .positions))
        case let (nil, spec?):
            guard case .object = spec else {
                throw DecodingError.typeMismatch([String: JSONValue].self, .init(
                    codingPath: decoder.codingPath + [CodingKeys.spec], debugDescription: "expected a steering spec object"))
            }
            kind = .spec(Data(JSONOutput.encode(spec)))
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "give either \"vector\" (a registered name) or \"spec\" (an inline spec object)"))
        }
    }
}

/// Any JSON value: how an inline steering spec is carried through to its own parser unchanged.
enum JSONValue: Codable, Equatable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        // Integers stay integers (a spec's block indices must not come back as 5.0).
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer field. Foundation's decoder reports a fractional number for an integer as malformed JSON with no
    /// field; this names the field instead.
    func decodeIntegerIfPresent<T: FixedWidthInteger & Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let value = try? decode(T.self, forKey: key) { return value }
        if let number = try? decode(Double.self, forKey: key) {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath + [key], debugDescription: "expected an integer, got \(number)"))
        }
        return try decode(T.self, forKey: key)
    }
}
