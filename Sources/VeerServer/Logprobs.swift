import Serving
import Tokenizers

/// Chat's `logprobs`: `{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}`.
struct ChatLogprobs: Encodable, Sendable {
    struct Candidate: Encodable, Sendable { var token: String, logprob: Float, bytes: [UInt8] }
    struct Entry: Encodable, Sendable {
        var token: String, logprob: Float, bytes: [UInt8], topLogprobs: [Candidate]
        enum CodingKeys: String, CodingKey { case token, logprob, bytes, topLogprobs = "top_logprobs" }
    }
    var content: [Entry]
}

/// Completions' (legacy) `logprobs`: parallel lists, the alternatives as {token: logprob} maps.
struct CompletionLogprobs: Encodable, Sendable {
    var tokens: [String] = []
    var tokenLogprobs: [Float] = []
    var topLogprobs: [[String: Float]] = []
    var textOffset: [Int] = []
    enum CodingKeys: String, CodingKey {
        case tokens, tokenLogprobs = "token_logprobs", topLogprobs = "top_logprobs", textOffset = "text_offset"
    }
}

/// Writes the engine's per-token log-probabilities in OpenAI's two formats. Tokens are named by their own piece
/// (not the stop-filtered text), as OpenAI does.
struct LogprobFormatter: Sendable {
    let tokenizer: Tokenizer

    /// OpenAI's stand-in for a probability too small to write (JSON has no -inf).
    static let floor: Float = -9999

    func chatEntry(_ token: GeneratedToken) -> ChatLogprobs.Entry? {
        guard let logprob = token.logprob else { return nil }
        let (text, bytes) = piece(token.id)
        let top = token.topLogprobs.map { ChatLogprobs.Candidate(token: $0.text, logprob: Self.finite($0.logprob), bytes: piece($0.id).bytes) }
        return .init(token: text, logprob: Self.finite(logprob), bytes: bytes, topLogprobs: top)
    }

    /// Appends `token` to `logprobs` (nothing when the token carries no log-probability).
    func append(_ token: GeneratedToken, to logprobs: inout CompletionLogprobs, offset: inout Int) {
        guard let logprob = token.logprob else { return }
        let text = piece(token.id).text
        logprobs.tokens.append(text)
        logprobs.tokenLogprobs.append(Self.finite(logprob))
        // Two candidates with the same text keep the likelier (they come most likely first).
        var top: [String: Float] = [:]
        for candidate in token.topLogprobs where top[candidate.text] == nil { top[candidate.text] = Self.finite(candidate.logprob) }
        logprobs.topLogprobs.append(top)
        logprobs.textOffset.append(offset)
        offset += text.count
    }

    private func piece(_ id: Int32) -> (text: String, bytes: [UInt8]) {
        let bytes = Array(tokenizer.bytes(of: id, renderSpecial: true))
        return (String(decoding: bytes, as: UTF8.self), bytes)
    }

    static func finite(_ value: Float) -> Float { value.isFinite ? value : floor }
}
