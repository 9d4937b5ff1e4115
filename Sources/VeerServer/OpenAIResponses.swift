import Serving

// The response objects of the OpenAI API as Veer fills them (`chat.completion`, `chat.completion.chunk`,
// `text_completion`), plus the `veer` field beside them.

/// A value written as JSON null when absent (OpenAI writes `"logprobs": null`, `"finish_reason": null`), where a
/// plain optional would be left out.
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var value: Value?
    init(_ value: Value?) { self.value = value }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

struct Usage: Encodable, Sendable {
    var promptTokens: Int, completionTokens: Int
    var totalTokens: Int { promptTokens + completionTokens }
    init(_ summary: CompletionSummary) { promptTokens = summary.promptTokens; completionTokens = summary.completionTokens }
    enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens" }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
    }
}

/// The `veer` field: what steered the request, on which backend, and the engine's timings.
struct VeerExtra: Encodable, Sendable {
    struct Timings: Encodable, Sendable {
        var ttftMs: Double?
        var totalMs: Double
        enum CodingKeys: String, CodingKey { case ttftMs = "ttft_ms", totalMs = "total_ms" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ttftMs, forKey: .ttftMs)
            try container.encode(totalMs, forKey: .totalMs)
        }
    }
    var steering: [AppliedSteering]
    var backend: String
    var timings: Timings

    init(applied: [AppliedSteering], backend: String, summary: CompletionSummary) {
        steering = applied; self.backend = backend
        timings = Timings(ttftMs: summary.timeToFirstToken.map { $0 * 1000 }, totalMs: summary.totalSeconds * 1000)
    }
}

struct ChatCompletionResponse: Encodable, Sendable {
    struct Message: Encodable, Sendable {
        var role = "assistant"
        var content: String
    }
    struct Choice: Encodable, Sendable {
        var index = 0
        var message: Message, logprobs: Nullable<ChatLogprobs>, finishReason: String
        enum CodingKeys: String, CodingKey { case index, message, logprobs, finishReason = "finish_reason" }
    }
    var id: String
    var object = "chat.completion"
    var created: Int, model: String
    var choices: [Choice]
    var usage: Usage
    var veer: VeerExtra
}

struct ChatCompletionChunk: Encodable, Sendable {
    struct Delta: Encodable, Sendable {
        var role: String?
        var content: String?
    }
    struct Choice: Encodable, Sendable {
        var index = 0
        var delta: Delta, logprobs: Nullable<ChatLogprobs>, finishReason: Nullable<String>
        enum CodingKeys: String, CodingKey { case index, delta, logprobs, finishReason = "finish_reason" }
    }
    var id: String
    var object = "chat.completion.chunk"
    var created: Int, model: String
    var choices: [Choice]
    /// Only on the usage chunk (`stream_options.include_usage`).
    var usage: Usage?
    /// Only on the last chunk.
    var veer: VeerExtra?
}

/// `text_completion`, whole or as a stream chunk (`usage` and `veer` only where they belong).
struct TextCompletionResponse: Encodable, Sendable {
    struct Choice: Encodable, Sendable {
        var index = 0
        var text: String, logprobs: Nullable<CompletionLogprobs>, finishReason: Nullable<String>
        enum CodingKeys: String, CodingKey { case index, text, logprobs, finishReason = "finish_reason" }
    }
    var id: String
    var object = "text_completion"
    var created: Int, model: String
    var choices: [Choice]
    var usage: Usage?
    var veer: VeerExtra?
}

/// GET /v1/models.
struct ModelList: Encodable, Sendable {
    struct Model: Encodable, Sendable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "veer"
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }
    var object = "list"
    var data: [Model]
}

/// GET /v1/steering/vectors.
struct VectorList: Encodable, Sendable {
    var object = "list"
    var data: [RegisteredVector]
    var `default`: [AppliedSteering]
}
