import Tokenizers

/// The conversation `veer chat` renders each turn: an optional system message, then the finished turns, oldest first.
/// When a new message would leave too little of the context for an answer, the oldest turns are dropped (the system
/// message stays); when the message does not fit even alone, it is refused and the conversation is left as it was.
struct ChatHistory {
    var system: ChatMessage?
    private(set) var turns: [(user: ChatMessage, assistant: ChatMessage)] = []

    init(system: String?) { self.system = system.map { ChatMessage(role: "system", content: $0) } }

    /// What fitting a new message into the context gave.
    enum Fit {
        /// The messages to render (the new one last) and how many old turns had to go to make room.
        case fits(messages: [ChatMessage], droppedTurns: Int)
        /// The message alone, with the system message, takes `tokens` of a context that must keep `answerRoom` free.
        case tooLong(tokens: Int)
    }

    /// Drops the oldest turns until `user`'s rendered prompt (`promptLength` counts its tokens) leaves `answerRoom`
    /// tokens of a `context`-token cache free. The dropped turns are gone only if the message fits.
    mutating func fit(_ user: String, context: Int, answerRoom: Int, promptLength: ([ChatMessage]) -> Int) -> Fit {
        let message = ChatMessage(role: "user", content: user)
        var kept = turns[...]
        while true {
            let messages = (system.map { [$0] } ?? []) + kept.flatMap { [$0.user, $0.assistant] } + [message]
            let length = promptLength(messages)
            if length + answerRoom <= context {
                let dropped = turns.count - kept.count
                turns = Array(kept)
                return .fits(messages: messages, droppedTurns: dropped)
            }
            if kept.isEmpty { return .tooLong(tokens: length) }
            kept = kept.dropFirst()
        }
    }

    mutating func append(user: String, assistant: String) {
        turns.append((ChatMessage(role: "user", content: user), ChatMessage(role: "assistant", content: assistant)))
    }
}
