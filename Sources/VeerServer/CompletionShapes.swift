import Foundation
import Serving

/// What one endpoint's responses look like: the stream's chunks and the whole response, built from the engine's
/// events. `ChatShape` writes `chat.completion(.chunk)`, `TextShape` writes `text_completion`.
protocol CompletionShape: Sendable {
    /// The chunk written before any token (chat: the assistant's role), if any.
    func openingChunk() -> (any Encodable)?
    /// The chunk for one token; nil to skip it (an empty piece when no logprobs were asked).
    mutating func tokenChunk(_ token: GeneratedToken) -> (any Encodable)?
    /// The last chunks of a request that ended with stop or length: held-back text, the finish reason, usage, `veer`.
    mutating func closingChunks(_ summary: CompletionSummary) -> [any Encodable]
    /// The non-streaming response.
    func whole(_ tokens: [GeneratedToken], _ summary: CompletionSummary) -> any Encodable
}

/// What both shapes share: the response's identity and what it reports beside the text.
struct ResponseHeader: Sendable {
    var id: String
    var created: Int
    var model: String
    var applied: [AppliedSteering]
    var backend: String
    var includeUsage: Bool
    var logprobs: LogprobFormatter?

    func veer(_ summary: CompletionSummary) -> VeerExtra { VeerExtra(applied: applied, backend: backend, summary: summary) }

    /// "chatcmpl-" or "cmpl-" and 24 random letters and digits, as OpenAI's ids look.
    static func newID(prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return prefix + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}

struct ChatShape: CompletionShape {
    let header: ResponseHeader

    private func chunk(_ delta: ChatCompletionChunk.Delta, logprobs: ChatLogprobs? = nil, finish: String? = nil,
                       choices: Bool = true, usage: Usage? = nil, veer: VeerExtra? = nil) -> ChatCompletionChunk {
        let choice = ChatCompletionChunk.Choice(delta: delta, logprobs: Nullable(logprobs), finishReason: Nullable(finish))
        return ChatCompletionChunk(id: header.id, created: header.created, model: header.model,
                                   choices: choices ? [choice] : [], usage: usage, veer: veer)
    }

    func openingChunk() -> (any Encodable)? { chunk(.init(role: "assistant", content: "")) }

    mutating func tokenChunk(_ token: GeneratedToken) -> (any Encodable)? {
        let entry = header.logprobs?.chatEntry(token)
        if token.text.isEmpty && entry == nil { return nil }
        return chunk(.init(content: token.text), logprobs: entry.map { ChatLogprobs(content: [$0]) })
    }

    mutating func closingChunks(_ summary: CompletionSummary) -> [any Encodable] {
        var chunks: [any Encodable] = []
        if !summary.trailingText.isEmpty { chunks.append(chunk(.init(content: summary.trailingText))) }
        let veer = header.veer(summary)
        chunks.append(chunk(.init(), finish: summary.finishReason.rawValue, veer: header.includeUsage ? nil : veer))
        // OpenAI's usage chunk: no choices, after the finish chunk.
        if header.includeUsage { chunks.append(chunk(.init(), choices: false, usage: Usage(summary), veer: veer)) }
        return chunks
    }

    func whole(_ tokens: [GeneratedToken], _ summary: CompletionSummary) -> any Encodable {
        let text = tokens.map(\.text).joined() + summary.trailingText
        let logprobs = header.logprobs.map { formatter in ChatLogprobs(content: tokens.compactMap(formatter.chatEntry)) }
        let choice = ChatCompletionResponse.Choice(message: .init(content: text), logprobs: Nullable(logprobs),
                                                   finishReason: summary.finishReason.rawValue)
        return ChatCompletionResponse(id: header.id, created: header.created, model: header.model, choices: [choice],
                                      usage: Usage(summary), veer: header.veer(summary))
    }
}

struct TextShape: CompletionShape {
    let header: ResponseHeader
    /// Characters of completion text so far (the logprobs' `text_offset`).
    private var offset = 0

    init(header: ResponseHeader) { self.header = header }

    private func response(text: String, logprobs: CompletionLogprobs?, finish: String?, choices: Bool = true,
                          usage: Usage? = nil, veer: VeerExtra? = nil) -> TextCompletionResponse {
        let choice = TextCompletionResponse.Choice(text: text, logprobs: Nullable(logprobs), finishReason: Nullable(finish))
        return TextCompletionResponse(id: header.id, created: header.created, model: header.model,
                                      choices: choices ? [choice] : [], usage: usage, veer: veer)
    }

    func openingChunk() -> (any Encodable)? { nil }

    mutating func tokenChunk(_ token: GeneratedToken) -> (any Encodable)? {
        var logprobs: CompletionLogprobs?
        if let formatter = header.logprobs, token.logprob != nil {
            var entry = CompletionLogprobs()
            formatter.append(token, to: &entry, offset: &offset)
            logprobs = entry
        }
        if token.text.isEmpty && logprobs == nil { return nil }
        return response(text: token.text, logprobs: logprobs, finish: nil)
    }

    mutating func closingChunks(_ summary: CompletionSummary) -> [any Encodable] {
        let veer = header.veer(summary)
        var chunks: [any Encodable] = [response(text: summary.trailingText, logprobs: nil, finish: summary.finishReason.rawValue,
                                                veer: header.includeUsage ? nil : veer)]
        // OpenAI's usage chunk: no choices, after the finish chunk.
        if header.includeUsage {
            chunks.append(response(text: "", logprobs: nil, finish: nil, choices: false, usage: Usage(summary), veer: veer))
        }
        return chunks
    }

    func whole(_ tokens: [GeneratedToken], _ summary: CompletionSummary) -> any Encodable {
        let text = tokens.map(\.text).joined() + summary.trailingText
        var logprobs: CompletionLogprobs?
        if let formatter = header.logprobs {
            var all = CompletionLogprobs(), offset = 0
            for token in tokens { formatter.append(token, to: &all, offset: &offset) }
            logprobs = all
        }
        return response(text: text, logprobs: logprobs, finish: summary.finishReason.rawValue, usage: Usage(summary),
                        veer: header.veer(summary))
    }
}
