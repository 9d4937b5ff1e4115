import Tokenizers

/// The conversation `veer chat` renders each turn: an optional system message, then the finished turns, oldest first.
/// When a new message would leave too little of the context for an answer, the oldest turns are dropped (the system
/// message stays); when the message does not fit even alone, it is refused and the conversation is left as it was.
struct ChatHistory {
    var system: ChatMessage?
    private(set) var turns: [(user: ChatMessage, assistant: ChatMessage)] = []

    init(system: String?) { self.system = system.map { ChatMessage(role: "system", content: $0) } }

    /// What fitting a new message into the context gave.
    enum Fit<Prompt> {
        /// The prompt built from the messages to render (the new one last) and how many old turns had to go to make
        /// room.
        case fits(prompt: Prompt, droppedTurns: Int)
        /// The message alone, with the system message, takes `tokens` of a context that must keep `answerRoom` free.
        case tooLong(tokens: Int)
    }

    /// Drops the oldest turns until `user`'s prompt (`prompt` builds it from the messages, `length` counts its tokens)
    /// leaves `answerRoom` tokens of a `context`-token cache free; the prompt that fitted is returned, so it is built
    /// once. The dropped turns are gone only if the message fits.
    mutating func fit<Prompt>(_ user: String, context: Int, answerRoom: Int, prompt: ([ChatMessage]) -> Prompt,
                              length: (Prompt) -> Int) -> Fit<Prompt> {
        let message = ChatMessage(role: "user", content: user)
        var kept = turns[...]
        while true {
            let messages = (system.map { [$0] } ?? []) + kept.flatMap { [$0.user, $0.assistant] } + [message]
            let candidate = prompt(messages)
            let tokens = length(candidate)
            if tokens + answerRoom <= context {
                let dropped = turns.count - kept.count
                turns = Array(kept)
                return .fits(prompt: candidate, droppedTurns: dropped)
            }
            if kept.isEmpty { return .tooLong(tokens: tokens) }
            kept = kept.dropFirst()
        }
    }

    mutating func append(user: String, assistant: String) {
        turns.append((ChatMessage(role: "user", content: user), ChatMessage(role: "assistant", content: assistant)))
    }
}
