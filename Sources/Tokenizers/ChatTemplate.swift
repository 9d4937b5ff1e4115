import GGUF

/// One turn of a conversation: who speaks and what they say.
public struct ChatMessage: Sendable, Equatable {
    /// "system", "user" or "assistant" (any string is rendered as given, never parsed for control tokens).
    public var role: String
    /// The message text, never parsed for control tokens.
    public var content: String
    /// A message from `role`.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A conversation rendered to prompt text, with what tokenizing it safely needs: which parts are template markup
/// (where control tokens are parsed) and which are caller-supplied (roles, message content: never parsed), and
/// where the assistant's answer starts.
public struct RenderedChat: Sendable, Equatable {
    /// The prompt text, markup and content together.
    public let text: String
    /// `text` in order, split into markup (`parseSpecial: true`) and caller-supplied text (`false`).
    public let segments: [TextSegment]
    /// [messages] the UTF-8 byte range of each message's content in `text`.
    public let contentRanges: [Range<Int>]
    /// UTF-8 offset in `text` where the assistant's answer starts: the end of the text when a generation prompt was
    /// added, else the start of the last message's content if that message is the assistant's; nil otherwise.
    public let answerStart: Int?

    /// Tokenizes the chat: control tokens are recognised in the markup only.
    public func encode(with tokenizer: Tokenizer, addBOS: Bool? = nil) -> Encoding {
        tokenizer.encode(segments, addBOS: addBOS, addEOS: false)
    }

    /// The index of the first token of the answer in `encoding` (from `encode(with:)`): the first token covering
    /// any byte at or after `answerStart` (so a token straddling the boundary counts as the answer's); nil when
    /// there is no answer position.
    public func answerStartToken(in encoding: Encoding) -> Int? {
        answerStart.map { encoding.firstToken(atOrAfterByte: $0) }
    }
}

/// A chat template recognised from its Jinja source by comparison with known forms (no Jinja engine), or chosen by
/// name. Supported: ChatML, with or without a default system prompt inserted when the conversation does not start
/// with a system message (SmolLM2's template inserts "You are a helpful AI assistant named SmolLM, trained by
/// Hugging Face").
public struct ChatTemplate: Sendable, Equatable {
    /// The template forms Veer renders.
    public enum Style: Sendable, Equatable {
        /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message; the generation prompt is `<|im_start|>assistant\n`.
        case chatML(defaultSystemPrompt: String?)
    }

    /// How this template renders a conversation.
    public let style: Style

    /// A template of `style`.
    public init(style: Style) { self.style = style }

    /// Names accepted by `init(named:)` (the CLI's `--chat-template`).
    public static let names = ["chatml"]

    /// A template by name: "chatml" is plain ChatML without a default system prompt.
    public init(named name: String) throws {
        switch name.lowercased() {
        case "chatml": self.init(style: .chatML(defaultSystemPrompt: nil))
        default: throw TokenizerError.unknownChatTemplateName(name)
        }
    }

    /// The template of the model in `metadata` (`tokenizer.chat_template`).
    public init(metadata: GGUFMetadata) throws {
        guard metadata.contains("tokenizer.chat_template") else {
            throw TokenizerError.missingChatTemplate(file: metadata.file)
        }
        try self.init(recognizing: try metadata.string("tokenizer.chat_template"))
    }

    /// Recognises a Jinja chat template; an unknown one is an error naming its first line.
    public init(recognizing source: String) throws {
        guard let style = ChatTemplate.recognize(source) else {
            let firstLine = source.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            throw TokenizerError.unknownChatTemplate(firstLine: String(firstLine.prefix(120)))
        }
        self.init(style: style)
    }

    /// Renders `messages` as the template would (Jinja's `loop.first` check included); `addGenerationPrompt` opens
    /// the assistant's turn.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool) -> RenderedChat {
        var builder = Builder()
        switch style {
        case let .chatML(defaultSystemPrompt):
            for (index, message) in messages.enumerated() {
                if index == 0, let system = defaultSystemPrompt, message.role != "system" {
                    builder.markup("<|im_start|>system\n\(system)<|im_end|>\n")
                }
                builder.markup("<|im_start|>")
                builder.supplied(message.role)
                builder.markup("\n")
                builder.content(message.content)
                builder.markup("<|im_end|>\n")
            }
            if addGenerationPrompt { builder.markup("<|im_start|>assistant\n") }
        }
        var answerStart: Int?
        if addGenerationPrompt {
            answerStart = builder.length
        } else if let last = messages.last, last.role == "assistant" {
            answerStart = builder.contentRanges.last?.lowerBound
        }
        return RenderedChat(text: builder.segments.map(\.text).joined(), segments: builder.segments,
                            contentRanges: builder.contentRanges, answerStart: answerStart)
    }

    private struct Builder {
        var segments: [TextSegment] = []
        var contentRanges: [Range<Int>] = []
        var length = 0

        mutating func markup(_ text: String) { append(text, parseSpecial: true) }
        mutating func supplied(_ text: String) { append(text, parseSpecial: false) }
        mutating func content(_ text: String) {
            contentRanges.append(length..<length + text.utf8.count)
            supplied(text)
        }
        private mutating func append(_ text: String, parseSpecial: Bool) {
            if let last = segments.last, last.parseSpecial == parseSpecial {
                segments[segments.count - 1].text += text
            } else {
                segments.append(TextSegment(text, parseSpecial: parseSpecial))
            }
            length += text.utf8.count
        }
    }
}
