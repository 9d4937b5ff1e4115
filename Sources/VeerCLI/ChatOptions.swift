import ArgumentParser
import GGUF
import Tokenizers

/// How a command turns messages into a prompt: the model's own template (recognised from `tokenizer.chat_template`,
/// else its architecture's) or a named override.
struct ChatTemplateOptions: ParsableArguments {
    @Option(name: .customLong("chat-template"),
            help: "Use this template instead of the model's: \(ChatTemplate.names.joined(separator: ", ")).")
    var chatTemplate: String?

    /// The template for `file`. When the file has no template and its architecture's is used, that choice is said
    /// on stderr: the user did not pick it and the file did not state it.
    func template(for file: GGUFFile) throws -> ChatTemplate {
        let choice = try ChatTemplateChoice(metadata: file.metadata, override: chatTemplate)
        if case .architecture = choice.origin { Console.note(choice.description) }
        return choice.template
    }
}
