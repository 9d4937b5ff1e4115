import Evaluation

/// One query with a concept-positive answer A_p and a concept-negative answer A_n (spec §6.2): for CAA's A/B items,
/// the behaviour-matching and the non-matching answer.
public struct PolarityPair: Sendable, Equatable {
    /// "item 3" for a CAA list, "line 4" for a JSONL file: where the pair is in its file.
    public var id: String
    /// The user message.
    public var question: String
    /// The answers as scored in full: CAA's choice line, "(A) Agree"; a JSONL pair's text as written.
    public var positive: String
    public var negative: String
    /// CAA items: the answers' letters ("A"), which `PairRendering.letter` scores alone; nil for JSONL pairs.
    public var positiveLetter: String?
    public var negativeLetter: String?

    public init(id: String, question: String, positive: String, negative: String,
                positiveLetter: String? = nil, negativeLetter: String? = nil) {
        self.id = id; self.question = question; self.positive = positive; self.negative = negative
        self.positiveLetter = positiveLetter; self.negativeLetter = negativeLetter
    }
}

/// How a pair becomes a prompt and two scored continuations. The question is always the user message of the model's
/// chat template, with the generation prompt (the assistant turn opened), as CAA extraction and `eval mc --task
/// caa-ab` render it.
public enum PairRendering: String, Sendable, CaseIterable {
    /// The assistant turn is the whole answer, "(A) Agree", tokenized on its own: L is over all its tokens.
    case full
    /// The assistant turn starts with "(" (part of the prompt) and the letter alone is scored, exactly as `veer eval
    /// mc --task caa-ab` scores it: L = −log p(letter). CAA pairs only.
    case letter

    /// The pair as an evaluation item whose options are A_p (option 0) and A_n (option 1).
    public func item(_ pair: PolarityPair, index: Int) throws -> MCItem {
        let prompt: MCPrompt, continuations: [String]
        switch self {
        case .full:
            prompt = .chat(user: pair.question, assistantPrefix: "")
            continuations = [pair.positive, pair.negative]
        case .letter:
            guard let positive = pair.positiveLetter, let negative = pair.negativeLetter else {
                throw PolarityPairError("\(pair.id): --answer letter scores the letters of CAA A/B items; this pair has answer texts only (use --answer full)")
            }
            prompt = .chat(user: pair.question, assistantPrefix: "(")
            continuations = [positive, negative]
        }
        return MCItem(index: index, id: pair.id, group: nil,
                      options: continuations.map { MCOption(prompt: prompt, continuation: $0) },
                      optionLabels: continuations, key: .matching(index: 0))
    }
}

/// A pairs file or behaviour name that cannot be used, with the file, line or item and key named.
public struct PolarityPairError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
