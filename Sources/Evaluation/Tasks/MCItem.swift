/// The text before a scored continuation.
public enum MCPrompt: Hashable, Sendable {
    /// Tokenized as is, with no special-token parsing.
    case text(String)
    /// The model's chat template around one user message (with the template's default system prompt) and the
    /// generation prompt; then `assistantPrefix` (e.g. "(") tokenized separately and appended.
    case chat(user: String, assistantPrefix: String)
}

/// One option of an item: the prompt it is scored after and exactly the text scored.
public struct MCOption: Hashable, Sendable {
    public var prompt: MCPrompt
    /// Exactly the scored text, leading space included where the protocol has one (" " + answer).
    public var continuation: String

    public init(prompt: MCPrompt, continuation: String) {
        self.prompt = prompt; self.continuation = continuation
    }
}

/// Which options are right, in the form each task's metrics need.
public enum MCKey: Sendable, Equatable {
    /// TruthfulQA: indices into the item's options. mc1True is the single MC1 true answer.
    case truthfulQA(mc1True: Int, mc1False: [Int], mc2True: [Int], mc2False: [Int])
    /// One correct option (copa, copa-cloze, arc, hellaswag, boolq, winogrande).
    case single(correct: Int)
    /// caa-ab: the behaviour-matching letter among the options.
    case matching(index: Int)
}

/// One question of a task, ready to score: its options in a fixed order and the key into them.
public struct MCItem: Sendable, Equatable {
    /// 0-based position among the task's items in file order (shards and --limit use it).
    public var index: Int
    /// The data's own id ("1" for COPA id 1; TruthfulQA: the 0-based question index; caa-ab: "behaviour/idx").
    public var id: String
    /// copa: "dev"/"test"; caa-ab: the behaviour; hellaswag: split_type; else nil. Metrics aggregate per group
    /// where the task reports one.
    public var group: String?
    /// TruthfulQA: each distinct answer string once (mc2 true, mc2 false, then mc1-only ones). Other tasks keep the
    /// data's choices in order, duplicates included (a few ARC items repeat a wrong choice).
    public var options: [MCOption]
    /// Human text of each option (answer text, choice text, letter), for reports.
    public var optionLabels: [String]
    public var key: MCKey

    public init(index: Int, id: String, group: String?, options: [MCOption], optionLabels: [String], key: MCKey) {
        self.index = index; self.id = id; self.group = group
        self.options = options; self.optionLabels = optionLabels; self.key = key
    }
}
