/// Recognising a chat template's Jinja source. First the exact ChatML forms Veer knows (both sides normalised:
/// `\n` escapes become newlines, whitespace-control dashes (`{%-`, `-}}`) are dropped, spaces just inside `{{ }}`
/// and `{% %}` are removed and the whole template is trimmed, so cosmetic variants still match), which keep a default
/// system prompt the Jinja inserts; then llama.cpp's `llm_chat_detect_template`, which classifies any template by
/// marker substrings.
extension ChatTemplate {
    static func recognize(_ source: String) throws -> Style {
        if let style = recognizeChatML(source) { return style }
        let firstLine = String((source.split(separator: "\n", omittingEmptySubsequences: false).first ?? "").prefix(120))
        guard let detected = LlamaCppTemplateDetection.detect(source) else {
            throw TokenizerError.unknownChatTemplate(firstLine: firstLine)
        }
        switch detected {
        case "chatml": return .chatML(defaultSystemPrompt: nil)
        case "gemma": return .gemma
        case "llama3": return .llama3
        default: throw TokenizerError.unsupportedChatTemplate(llamaCppName: detected, firstLine: firstLine)
        }
    }

    private static func recognizeChatML(_ source: String) -> Style? {
        let template = normalize(source).trimmed
        if template == normalize(chatMLSource).trimmed { return .chatML(defaultSystemPrompt: nil) }
        // ChatML whose first iteration inserts a default system prompt: the same template with one clause added.
        let prefix = normalize(chatMLWithSystemPrefix), suffix = normalize(chatMLWithSystemSuffix)
        if template.hasPrefix(prefix), template.hasSuffix(suffix), template.count > prefix.count + suffix.count {
            let prompt = String(template.dropFirst(prefix.count).dropLast(suffix.count))
            // The prompt sits in a single-quoted Jinja string literal: quotes or markup inside mean another form.
            if !prompt.contains("'"), !prompt.contains("{"), !prompt.contains("}") {
                return .chatML(defaultSystemPrompt: prompt)
            }
        }
        return nil
    }

    /// The common ChatML template (Hugging Face's `chatml`).
    static let chatMLSource = """
        {% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' \
        + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    /// ChatML with a default system prompt (SmolLM2, Qwen1.5): the text before and after the prompt.
    static let chatMLWithSystemPrefix = """
        {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}\
        {{ '<|im_start|>system\\n
        """
    static let chatMLWithSystemSuffix = """
        <|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' \
        + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    static func normalize(_ source: String) -> String {
        var text = source.replacing("\\n", with: "\n")
        for (from, to) in [("{%-", "{%"), ("-%}", "%}"), ("{{-", "{{"), ("-}}", "}}")] {
            text = text.replacing(from, with: to)
        }
        // Spaces just inside the delimiters, however many.
        var previous = ""
        while previous != text {
            previous = text
            for (from, to) in [("{{ ", "{{"), ("{% ", "{%"), (" }}", "}}"), (" %}", "%}")] {
                text = text.replacing(from, with: to)
            }
        }
        return text
    }
}

extension String {
    var trimmed: String { String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
}
