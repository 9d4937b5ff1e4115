import Steering
import Tokenizers

/// What the HTTP layer needs of the model to turn requests into token ids and token ids into text.
public struct ServedModel: Sendable {
    /// The model's id in /v1/models and in responses (the GGUF's `general.name`, else its file name).
    public var id: String
    public var tokenizer: Tokenizer
    /// The chat template /v1/chat/completions renders messages with.
    public var template: ChatTemplate
    /// Whether prompts start with BOS.
    public var addBOS: Bool
    /// The model's shape and fingerprint (what vector files are checked against).
    public var identity: ModelIdentity
    /// Seconds since 1970 when the server loaded the model (/v1/models' `created`).
    public var created: Int

    public init(id: String, tokenizer: Tokenizer, template: ChatTemplate, addBOS: Bool, identity: ModelIdentity, created: Int) {
        self.id = id; self.tokenizer = tokenizer; self.template = template; self.addBOS = addBOS
        self.identity = identity; self.created = created
    }
}
