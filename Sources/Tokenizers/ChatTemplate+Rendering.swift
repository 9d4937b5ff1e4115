/// Rendering a conversation as each template form does (llama.cpp's `llm_chat_apply_template` for gemma, llama3 and
/// chatml; SmolLM2's Jinja for ChatML with a default system prompt).
extension ChatTemplate {
    /// Renders `messages`; `addGenerationPrompt` opens the assistant's turn.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool) -> RenderedChat {
        var builder = Builder(messageCount: messages.count)
        switch style {
        case let .chatML(defaultSystemPrompt):
            for (index, message) in messages.enumerated() {
                // The Jinja's `loop.first and messages[0]['role'] != 'system'`.
                if index == 0, let system = defaultSystemPrompt, message.role != "system" {
                    builder.markup("<|im_start|>system\n\(system)<|im_end|>\n")
                }
                builder.markup("<|im_start|>")
                builder.supplied(message.role)
                builder.markup("\n")
                builder.content(message.content, of: index)
                builder.markup("<|im_end|>\n")
            }
            if addGenerationPrompt { builder.markup("<|im_start|>assistant\n") }
        case .gemma:
            // Gemma has no system turn: system messages (trimmed, concatenated) open the next turn that is not the
            // model's.
            var pendingSystem: [Int] = []
            for (index, message) in messages.enumerated() {
                if message.role == "system" {
                    pendingSystem.append(index)
                    continue
                }
                let role = message.role == "assistant" ? "model" : message.role
                builder.markup("<start_of_turn>")
                builder.supplied(role)
                builder.markup("\n")
                let systemText = pendingSystem.map { trimmedASCII(messages[$0].content) }.joined()
                if !systemText.isEmpty && role != "model" {
                    for system in pendingSystem { builder.content(trimmedASCII(messages[system].content), of: system) }
                    builder.markup("\n\n")
                    pendingSystem = []
                }
                builder.content(trimmedASCII(message.content), of: index)
                builder.markup("<end_of_turn>\n")
            }
            if addGenerationPrompt { builder.markup("<start_of_turn>model\n") }
        case .llama3:
            for (index, message) in messages.enumerated() {
                builder.markup("<|start_header_id|>")
                builder.supplied(message.role)
                builder.markup("<|end_header_id|>\n\n")
                builder.content(trimmedASCII(message.content), of: index)
                builder.markup("<|eot_id|>")
            }
            if addGenerationPrompt { builder.markup("<|start_header_id|>assistant<|end_header_id|>\n\n") }
        }
        var answerStart: Int?
        if addGenerationPrompt {
            answerStart = builder.length
        } else if let last = messages.last, last.role == "assistant" {
            answerStart = builder.contentRanges[messages.count - 1]?.lowerBound
        }
        let ranges = builder.contentRanges.map { $0 ?? builder.length..<builder.length }
        return RenderedChat(text: builder.segments.map(\.text).joined(), segments: builder.segments,
                            contentRanges: ranges, answerStart: answerStart)
    }

    /// `text` without leading and trailing ASCII whitespace (C's `isspace`: space, \t, \n, \v, \f, \r), as
    /// llama.cpp's `trim`.
    func trimmedASCII(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }),
              let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }

    private struct Builder {
        var segments: [TextSegment] = []
        /// [messages] where each message's content landed; nil for a message whose content was never placed (a
        /// Gemma system message with no user turn after it).
        var contentRanges: [Range<Int>?]
        var length = 0

        init(messageCount: Int) { contentRanges = Array(repeating: nil, count: messageCount) }

        mutating func markup(_ text: String) { append(text, parseSpecial: true) }
        mutating func supplied(_ text: String) { append(text, parseSpecial: false) }
        mutating func content(_ text: String, of message: Int) {
            contentRanges[message] = length..<length + text.utf8.count
            supplied(text)
        }
        private mutating func append(_ text: String, parseSpecial: Bool) {
            guard !text.isEmpty else { return }
            if let last = segments.last, last.parseSpecial == parseSpecial {
                segments[segments.count - 1].text += text
            } else {
                segments.append(TextSegment(text, parseSpecial: parseSpecial))
            }
            length += text.utf8.count
        }
    }
}
