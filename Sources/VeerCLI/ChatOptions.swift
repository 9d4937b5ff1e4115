import ArgumentParser
import GGUF
import Tokenizers

/// How a command turns messages into a prompt: the model's own template (recognised from `tokenizer.chat_template`)
/// or a named override.
struct ChatTemplateOptions: ParsableArguments {
    @Option(name: .customLong("chat-template"),
            help: "Use this template instead of the model's: \(ChatTemplate.names.joined(separator: ", ")).")
    var chatTemplate: String?

    func template(for file: GGUFFile) throws -> ChatTemplate {
        if let chatTemplate { return try ChatTemplate(named: chatTemplate) }
        return try ChatTemplate(metadata: file.metadata)
    }
}
