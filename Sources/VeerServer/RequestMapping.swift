import Llama
import Serving
import Tokenizers

/// An OpenAI request turned into the engine's request, with what the response needs to know.
struct MappedRequest: Sendable {
    var completion: CompletionRequest
    /// What steers it, for the response's `veer` field.
    var applied: [AppliedSteering]
    var stream: Bool
    /// `stream_options.include_usage`: a last chunk with `usage`.
    var includeUsage: Bool
}

/// Builds `CompletionRequest`s from OpenAI request bodies: renders and tokenizes the prompt, applies OpenAI's defaults
/// (temperature 1, top-p 1, no top-k or min-p, a random seed), checks every field's range and the model's limits,
/// and resolves `steering`. Every refusal is a 400 naming the field.
struct RequestMapper: Sendable {
    let model: ServedModel
    let info: EngineInfo
    let steering: any SteeringResolving

    /// The most tokens a request gets when it does not say (OpenAI has no fixed default; llama-server's is unbounded).
    static let defaultMaxTokens = 256
    static let maxStopStrings = 4
    static let chatRoles: Set<String> = ["system", "user", "assistant"]

    func chat(_ body: ChatCompletionBody) throws(APIError) -> MappedRequest {
        guard !body.messages.isEmpty else { throw .invalid("messages", "messages must hold at least one message") }
        var messages: [ChatMessage] = []
        for (index, message) in body.messages.enumerated() {
            // OpenAI's newer name for the system role.
            let role = message.role == "developer" ? "system" : message.role
            guard Self.chatRoles.contains(role) else {
                throw .invalid("messages[\(index)].role", "role \"\(message.role)\" is not one of system, developer, user, assistant")
            }
            messages.append(ChatMessage(role: role, content: message.content.text))
        }
        let rendered = model.template.render(messages: messages, addGenerationPrompt: true)
        let encoding = rendered.encode(with: model.tokenizer, addBOS: model.addBOS)
        var logprobs: Int?
        if let top = body.topLogprobs {
            guard (0...CompletionRequest.maxTopLogprobs).contains(top) else {
                throw .invalid("top_logprobs", "top_logprobs must be in 0...\(CompletionRequest.maxTopLogprobs), got \(top)")
            }
            guard body.logprobs == true else { throw .invalid("top_logprobs", "top_logprobs needs \"logprobs\": true") }
        }
        if body.logprobs == true { logprobs = body.topLogprobs ?? 0 }
        return try map(body.common, prompt: encoding.ids, promptField: "messages",
                       answerStart: rendered.answerStartToken(in: encoding), logprobs: logprobs)
    }

    func completion(_ body: TextCompletionBody) throws(APIError) -> MappedRequest {
        if body.echo == true { throw .invalid("echo", "echo is not supported") }
        if let bestOf = body.bestOf, bestOf != 1 { throw .invalid("best_of", "best_of must be 1 (one completion per request)") }
        if let suffix = body.suffix, !suffix.isEmpty { throw .invalid("suffix", "suffix (insertion) is not supported") }
        let ids: [Int32]
        switch body.prompt {
        case let .texts(texts):
            guard texts.count == 1 else {
                throw .invalid("prompt", "prompt must be one string (a list of \(texts.count) prompts is not supported)")
            }
            ids = model.tokenizer.encode(texts[0], parseSpecial: true, addBOS: model.addBOS).ids
        case let .tokens(tokens):
            let vocabulary = model.tokenizer.vocabulary.count
            if let bad = tokens.firstIndex(where: { !(0..<vocabulary).contains($0) }) {
                throw .invalid("prompt[\(bad)]", "token id \(tokens[bad]) is outside the vocabulary (0..<\(vocabulary))")
            }
            ids = tokens.map { Int32($0) }
        }
        if let logprobs = body.logprobs, !(0...CompletionRequest.maxTopLogprobs).contains(logprobs) {
            throw .invalid("logprobs", "logprobs must be in 0...\(CompletionRequest.maxTopLogprobs), got \(logprobs)")
        }
        return try map(body.common, prompt: ids, promptField: "prompt", answerStart: nil, logprobs: body.logprobs)
    }

    private func map(_ fields: CommonFields, prompt: [Int32], promptField: String, answerStart: Int?,
                     logprobs: Int?) throws(APIError) -> MappedRequest {
        try refuseUnsupported(fields)
        guard !prompt.isEmpty else { throw .invalid(promptField, "the prompt is empty") }
        guard prompt.count + 1 <= info.contextSize else {
            throw .invalid(promptField, "the prompt is \(prompt.count) tokens; with one generated token it must fit the context of \(info.contextSize)")
        }
        let sampling = try samplerSettings(fields)
        let items = try steeringItems(fields.steering)
        let resolved: ResolvedSteering
        do {
            resolved = try steering.resolve(items, promptLength: prompt.count, answerStart: answerStart)
        } catch {
            throw .invalid(error.field, error.message)
        }
        let completion = CompletionRequest(prompt: prompt, maxTokens: try maxTokens(fields), sampling: sampling,
                                           stopStrings: try stopStrings(fields.stop), logprobs: logprobs,
                                           steering: resolved.sequence)
        return MappedRequest(completion: completion, applied: resolved.applied, stream: fields.stream ?? false,
                             includeUsage: fields.streamOptions?.includeUsage ?? false)
    }

    private func refuseUnsupported(_ fields: CommonFields) throws(APIError) {
        if let n = fields.n, n != 1 { throw .invalid("n", "n must be 1 (one choice per request), got \(n)") }
        if let bias = fields.logitBias, !bias.isEmpty { throw .invalid("logit_bias", "logit_bias is not supported") }
        if let tools = fields.tools, !tools.isEmpty { throw .invalid("tools", "tools are not supported") }
    }

    private func maxTokens(_ fields: CommonFields) throws(APIError) -> Int {
        // The newer name wins when a client sends both.
        let (field, given) = fields.maxCompletionTokens.map { ("max_completion_tokens", $0) } ?? ("max_tokens", fields.maxTokens)
        guard let value = given else { return min(Self.defaultMaxTokens, info.maxTokensLimit) }
        guard value >= 1 else { throw .invalid(field, "\(field) must be at least 1, got \(value)") }
        guard value <= info.maxTokensLimit else {
            throw .invalid(field, "\(field) \(value) is over this server's limit of \(info.maxTokensLimit)")
        }
        return value
    }

    private func samplerSettings(_ fields: CommonFields) throws(APIError) -> SamplerSettings {
        let temperature = try number(fields.temperature, default: 1, "temperature", "in 0...2") { (0...2).contains($0) }
        let topP = try number(fields.topP, default: 1, "top_p", "in (0, 1]") { $0 > 0 && $0 <= 1 }
        let minP = try number(fields.minP, default: 0, "min_p", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        let repeatPenalty = try number(fields.repeatPenalty, default: 1, "repeat_penalty", "greater than 0") { $0 > 0 }
        let topK = fields.topK ?? 0
        guard topK >= 0 else { throw .invalid("top_k", "top_k must be at least 0 (0: off), got \(topK)") }
        let seed = fields.seed.map { UInt64(bitPattern: $0) } ?? UInt64.random(in: .min ... .max)
        return SamplerSettings(temperature: temperature, topK: topK, topP: topP, minP: minP,
                               repetitionPenalty: repeatPenalty,
                               frequencyPenalty: try penalty(fields.frequencyPenalty, "frequency_penalty"),
                               presencePenalty: try penalty(fields.presencePenalty, "presence_penalty"), seed: seed)
    }

    private func penalty(_ value: Double?, _ field: String) throws(APIError) -> Float {
        try number(value, default: 0, field, "in -2...2") { (-2...2).contains($0) }
    }

    /// A sampling number as the sampler takes it (Float), finite and within `range`.
    private func number(_ value: Double?, default fallback: Float, _ field: String, _ range: String,
                        _ accepts: (Float) -> Bool) throws(APIError) -> Float {
        guard let value else { return fallback }
        let float = Float(value)
        guard float.isFinite, accepts(float) else { throw .invalid(field, "\(field) must be \(range), got \(value)") }
        return float
    }

    private func stopStrings(_ stop: StopField?) throws(APIError) -> [String] {
        guard let strings = stop?.strings else { return [] }
        guard strings.count <= Self.maxStopStrings else {
            throw .invalid("stop", "stop holds at most \(Self.maxStopStrings) strings, got \(strings.count)")
        }
        if let empty = strings.firstIndex(where: \.isEmpty) { throw .invalid("stop[\(empty)]", "a stop string must not be empty") }
        return strings
    }

    /// The request's `steering` for the resolver: nil (absent) means the server's default.
    private func steeringItems(_ entries: [SteeringEntry]?) throws(APIError) -> [SteeringItem]? {
        guard let entries else { return nil }
        var items: [SteeringItem] = []
        for (index, entry) in entries.enumerated() {
            switch entry.kind {
            case let .vector(name, strength, layers, positions):
                let float = strength.map(Float.init)
                if let strength, let float, !float.isFinite {
                    throw .invalid("steering[\(index)].strength", "strength must be a finite number, got \(strength)")
                }
                items.append(.vector(name: name, strength: float, layers: layers, positions: positions))
            case let .spec(json):
                items.append(.spec(json: json))
            }
        }
        return items
    }
}
