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

/// A chat template recognised from its Jinja source (no Jinja engine), chosen by name, or the model architecture's
/// own when the file has none. Supported: ChatML (with or without a default system prompt inserted when the
/// conversation does not start with a system message, as SmolLM2's template does), Gemma's and Llama 3's, rendered
/// exactly as llama.cpp's `llama_chat_apply_template` renders its built-in forms.
public struct ChatTemplate: Sendable, Equatable {
    /// The template forms Veer renders.
    public enum Style: Sendable, Equatable {
        /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message; the generation prompt is `<|im_start|>assistant\n`.
        case chatML(defaultSystemPrompt: String?)
        /// `<start_of_turn>{role}\n{content}<end_of_turn>\n` with "assistant" written "model", contents trimmed, and
        /// system messages folded into the next user turn (`{system}\n\n{content}`); the generation prompt is
        /// `<start_of_turn>model\n`.
        case gemma
        /// `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>` with contents trimmed; the
        /// generation prompt is `<|start_header_id|>assistant<|end_header_id|>\n\n`.
        case llama3
    }

    /// How this template renders a conversation.
    public let style: Style

    /// A template of `style`.
    public init(style: Style) { self.style = style }

    /// Names accepted by `init(named:)` (the CLI's `--chat-template`): llama.cpp's names for the same templates.
    public static let names = ["chatml", "gemma", "llama3"]

    /// A template by name: "chatml" is plain ChatML without a default system prompt.
    public init(named name: String) throws {
        switch name.lowercased() {
        case "chatml": self.init(style: .chatML(defaultSystemPrompt: nil))
        case "gemma": self.init(style: .gemma)
        case "llama3": self.init(style: .llama3)
        default: throw TokenizerError.unknownChatTemplateName(name)
        }
    }

    /// The name of the template's form (one of `names`).
    public var name: String {
        switch style {
        case .chatML: return "chatml"
        case .gemma: return "gemma"
        case .llama3: return "llama3"
        }
    }

    /// The name with what distinguishes this template from the named one: "chatml (default system prompt: ...)".
    public var summary: String {
        if case let .chatML(system?) = style { return "chatml (default system prompt: \(system))" }
        return name
    }

    /// The template of the model in `metadata`: its `tokenizer.chat_template`, else its architecture's (see
    /// `ChatTemplateChoice`).
    public init(metadata: GGUFMetadata) throws {
        self = try ChatTemplateChoice(metadata: metadata).template
    }

    /// Recognises a Jinja chat template; an unknown one is an error naming its first line.
    public init(recognizing source: String) throws {
        self.init(style: try ChatTemplate.recognize(source))
    }
}

/// The template a model's conversations are rendered with and why: what the CLI prints.
public struct ChatTemplateChoice: Sendable, Equatable {
    /// Where the template came from.
    public enum Origin: Sendable, Equatable {
        /// Named by the caller (`--chat-template`).
        case override
        /// Recognised from the file's `tokenizer.chat_template`.
        case fileTemplate
        /// The file has no `tokenizer.chat_template`: the template of its `general.architecture` (and vocabulary).
        case architecture(String)
    }

    /// The template.
    public let template: ChatTemplate
    /// Where it came from.
    public let origin: Origin

    /// `override` (a name from `ChatTemplate.names`) if given, else the file's template recognised, else the
    /// architecture's: gemma3 (and gemma, gemma2) -> gemma, qwen2 -> chatml, llama with Llama 3's vocabulary
    /// (tokenizer.ggml.pre llama-bpe, llama3 or llama-v3) -> llama3. Any other file without a template is
    /// `TokenizerError.missingChatTemplate`.
    public init(metadata: GGUFMetadata, override: String? = nil) throws {
        if let override {
            template = try ChatTemplate(named: override)
            origin = .override
        } else if metadata.contains("tokenizer.chat_template") {
            template = try ChatTemplate(recognizing: try metadata.string("tokenizer.chat_template"))
            origin = .fileTemplate
        } else {
            let architecture = try metadata.ifPresent("general.architecture", metadata.string) ?? "(none)"
            let pre = try metadata.ifPresent("tokenizer.ggml.pre", metadata.string)
            switch architecture {
            case "gemma", "gemma2", "gemma3":
                template = ChatTemplate(style: .gemma)
            case "qwen2":
                template = ChatTemplate(style: .chatML(defaultSystemPrompt: nil))
            case "llama" where ["llama-bpe", "llama3", "llama-v3"].contains(pre ?? ""):
                template = ChatTemplate(style: .llama3)
            default:
                throw TokenizerError.missingChatTemplate(file: metadata.file)
            }
            origin = .architecture(architecture)
        }
    }

    /// One line for the user: "chat template: gemma (the file has no tokenizer.chat_template; general.architecture
    /// is gemma3)".
    public var description: String {
        switch origin {
        case .override:
            return "chat template: \(template.summary) (--chat-template)"
        case .fileTemplate:
            return "chat template: \(template.summary) (recognised from tokenizer.chat_template)"
        case let .architecture(architecture):
            return "chat template: \(template.summary) (the file has no tokenizer.chat_template; general.architecture "
                + "is \(architecture))"
        }
    }
}
