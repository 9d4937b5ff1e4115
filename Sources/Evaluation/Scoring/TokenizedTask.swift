import Tokenizers

/// A task's items as scoring requests, tokenized by the pinned rule: BOS as the model's metadata says, prompt and
/// continuation tokenized separately with no special-token parsing, then joined. Options of an item that share a
/// prompt share one request, so its prompt runs once.
public struct TokenizedTask: Sendable {
    /// The requests, in item order.
    public var requests: [ScoringRequest]
    /// [item][option]: where each option's continuation is among the requests.
    public var placements: [[OptionPlacement]]

    public struct OptionPlacement: Sendable, Equatable {
        public var request: Int
        public var continuation: Int
    }

    /// Tokenizes `items`. Options with the same prompt and continuation text (ARC repeats a few wrong choices) are
    /// scored once. A chat prompt renders the user message with `template` (its markup parsed as special
    /// tokens, the message itself not) and opens the assistant turn, then appends the assistant prefix tokenized on
    /// its own. An option whose continuation has no tokens is an error naming the item.
    public init(items: [MCItem], tokenizer: Tokenizer, template: ChatTemplate?, addBOS: Bool) throws {
        var requests: [ScoringRequest] = []
        var placements: [[OptionPlacement]] = []
        for item in items {
            var requestOfPrompt: [MCPrompt: Int] = [:]
            var placementOfOption: [MCOption: OptionPlacement] = [:]
            var itemPlacements: [OptionPlacement] = []
            for (o, option) in item.options.enumerated() {
                if let known = placementOfOption[option] { itemPlacements.append(known); continue }
                let continuation = tokenizer.encode(option.continuation, parseSpecial: false, addBOS: false, addEOS: false).ids
                guard !continuation.isEmpty else {
                    throw ScoringError("item \(item.id): option \(o) (\(option.continuation.debugDescription)) has no tokens")
                }
                let r: Int
                if let known = requestOfPrompt[option.prompt] {
                    r = known
                } else {
                    r = requests.count
                    requestOfPrompt[option.prompt] = r
                    requests.append(try Self.request(option.prompt, tokenizer: tokenizer, template: template, addBOS: addBOS, item: item))
                }
                let placement = OptionPlacement(request: r, continuation: requests[r].continuations.count)
                placementOfOption[option] = placement
                itemPlacements.append(placement)
                requests[r].continuations.append(continuation)
            }
            placements.append(itemPlacements)
        }
        self.requests = requests
        self.placements = placements
    }

    private static func request(_ prompt: MCPrompt, tokenizer: Tokenizer, template: ChatTemplate?, addBOS: Bool,
                                item: MCItem) throws -> ScoringRequest {
        switch prompt {
        case .text(let text):
            let ids = tokenizer.encode(text, parseSpecial: false, addBOS: addBOS, addEOS: false).ids
            guard !ids.isEmpty else { throw ScoringError("item \(item.id): the prompt has no tokens") }
            return ScoringRequest(prompt: ids, continuations: [])
        case let .chat(user, assistantPrefix):
            guard let template else {
                throw ScoringError("item \(item.id): the task needs the model's chat template, and none was given")
            }
            let rendered = template.render(messages: [ChatMessage(role: "user", content: user)], addGenerationPrompt: true)
            let encoding = rendered.encode(with: tokenizer, addBOS: addBOS)
            let prefix = tokenizer.encode(assistantPrefix, parseSpecial: false, addBOS: false, addEOS: false).ids
            return ScoringRequest(prompt: encoding.ids + prefix, continuations: [],
                                  answerStart: rendered.answerStartToken(in: encoding) ?? encoding.ids.count)
        }
    }

    /// KV-cache positions the longest request needs (its last continuation token is scored, never fed).
    public var positionsNeeded: Int { (requests.map(\.longestSequence).max() ?? 1) - 1 }

    /// [item][option] the option scores from the requests' continuation scores.
    public func optionScores(_ scores: [[ContinuationScore]]) -> [[OptionScore]] {
        placements.map { item in
            item.map { p in
                let s = scores[p.request][p.continuation]
                let sum = s.logprobs.reduce(0.0) { $0 + Double($1) }
                return OptionScore(tokens: s.logprobs.count, sum: s.degenerate ? .nan : sum)
            }
        }
    }
}

extension TokenizedTask {
    /// How many items are fully scored once the first `requests` requests are (requests come in item order).
    public func itemsFinished(requests: Int) -> Int {
        placements.prefix { item in item.allSatisfy { $0.request < requests } }.count
    }
}
