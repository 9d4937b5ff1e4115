/// What can stop a tokenizer or chat template from being built from a model file. Messages name the file and what
/// to do. (A metadata key that is missing or of the wrong type is the GGUF reader's `GGUFError`, thrown as is.)
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    case unsupportedModel(file: String, model: String)
    case unknownPreTokenizer(file: String, name: String)
    case invalidVocabulary(file: String, detail: String)
    case missingChatTemplate(file: String)
    case unknownChatTemplate(firstLine: String)
    case unsupportedChatTemplate(llamaCppName: String, firstLine: String)
    case unknownChatTemplateName(String)

    /// The message, naming the file and what to do.
    public var description: String {
        switch self {
        case let .unsupportedModel(file, model):
            return "\(file): tokenizer.ggml.model is '\(model)'; Veer reads 'gpt2' (byte-level BPE) and 'llama' "
                + "(SentencePiece)"
        case let .unknownPreTokenizer(file, name):
            return "\(file): tokenizer.ggml.pre is '\(name)', which this tokenizer does not know (known: "
                + PreTokenizer.supportedNames.joined(separator: ", ") + ")"
        case let .invalidVocabulary(file, detail):
            return "\(file): invalid vocabulary: \(detail)"
        case let .missingChatTemplate(file):
            return "\(file): the file has no tokenizer.chat_template and its architecture has no default; choose one "
                + "with --chat-template (" + ChatTemplate.names.joined(separator: ", ") + ")"
        case let .unknownChatTemplate(firstLine):
            return "unknown chat template starting with '\(firstLine)'; choose one explicitly (e.g. --chat-template chatml)"
        case let .unsupportedChatTemplate(name, firstLine):
            return "the chat template starting with '\(firstLine)' is llama.cpp's '\(name)', which Veer does not "
                + "render; choose one with --chat-template (" + ChatTemplate.names.joined(separator: ", ") + ")"
        case let .unknownChatTemplateName(name):
            return "unknown chat template name '\(name)' (known: " + ChatTemplate.names.joined(separator: ", ") + ")"
        }
    }
}
