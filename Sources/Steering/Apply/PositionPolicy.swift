import Foundation

/// Which positions of a sequence a steering edit applies to (steering-methods.md §0.3). Positions are 0-based over
/// the whole sequence fed to the model, chat template included; P is the number of prompt tokens.
public enum PositionPolicy: Sendable, Equatable, CustomStringConvertible {
    /// Every position, prompt and generated (llama.cpp's control vectors).
    case all
    /// p < P.
    case prompt
    /// p >= P.
    case generated
    /// p >= K; a negative K counts back from P (`from:-1` is p >= P-1).
    case from(Int)
    /// p >= P-1: the position whose logits give the first new token (the Spherical reference code's choice).
    case fromPromptEnd
    /// p >= the first answer token: after the assistant header under a chat template, else P.
    case fromAnswerStart
    /// The newest position of each forward pass: a sequence's last row in a pass that returns logits for it.
    case last
    /// Exactly these positions.
    case list([Int])

    /// Parses the CLI form: `all`, `prompt`, `generated`, `from:K`, `from:prompt-end`, `from:answer-start`, `last`,
    /// or a comma-separated list such as `3,5,9`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "all": self = .all
        case "prompt": self = .prompt
        case "generated": self = .generated
        case "last": self = .last
        case "from:prompt-end": self = .fromPromptEnd
        case "from:answer-start": self = .fromAnswerStart
        default:
            if trimmed.hasPrefix("from:"), let k = Int(trimmed.dropFirst(5)) {
                self = .from(k)
            } else if !trimmed.isEmpty, let list = Self.parseList(trimmed) {
                self = .list(list)
            } else {
                throw SteeringError.badArgument("--positions '\(text)': expected \(Self.forms)")
            }
        }
    }

    /// The forms `init(parsing:)` accepts, for messages.
    public static let forms = "all, prompt, generated, last, from:K, from:prompt-end, from:answer-start or a list of positions such as 3,5,9"

    private static func parseList(_ text: String) -> [Int]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard items.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        return items.map { $0! }
    }

    /// The policy's name, as `--positions` takes it.
    public var description: String {
        switch self {
        case .all: "all"
        case .prompt: "prompt"
        case .generated: "generated"
        case .from(let k): "from:\(k)"
        case .fromPromptEnd: "from:prompt-end"
        case .fromAnswerStart: "from:answer-start"
        case .last: "last"
        case .list(let positions): positions.map(String.init).joined(separator: ",")
        }
    }

    /// Whether position `p` of a sequence is steered in a pass; `isNewest` says whether it is the sequence's last
    /// row in a pass that returns logits for it.
    public func includes(_ p: Int, in span: SequenceSpan, isNewest: Bool) -> Bool {
        switch self {
        case .all: true
        case .prompt: p < span.promptLength
        case .generated: p >= span.promptLength
        case .from(let k): p >= (k < 0 ? span.promptLength + k : k)
        case .fromPromptEnd: p >= span.promptLength - 1
        case .fromAnswerStart: p >= span.answerStart
        case .last: isNewest
        case .list(let positions): positions.contains(p)
        }
    }

    /// Whether any position of a sequence `length` tokens long (prompt and generated) is steered: false when the
    /// policy names only positions the run never reaches (`generated` with nothing generated, `from:50` on a
    /// 10-token run, a list past the end).
    public func selectsAny(in span: SequenceSpan, length: Int) -> Bool {
        guard length > 0 else { return false }
        switch self {
        case .all, .last: return true
        case .list(let positions): return positions.contains { $0 < length }
        default: return (0..<length).contains { includes($0, in: span, isNewest: $0 == length - 1) }
        }
    }

    /// Whether a position's steering depends on the step that computes it rather than on the position alone. Only
    /// then do steered-persist and reference-recompute differ: with every other policy a position steered once is
    /// steered at every later recompute too, so keeping its steered keys and values is exact.
    public var dependsOnStep: Bool { self == .last }
}

/// What a position policy needs to know about a sequence.
public struct SequenceSpan: Sendable, Equatable {
    /// P: the number of prompt tokens.
    public var promptLength: Int
    /// The first answer token: after the assistant header under a chat template (the prompt's end when the template
    /// ends with the header), else P.
    public var answerStart: Int

    /// A span; the answer starts at the prompt's end unless given.
    public init(promptLength: Int, answerStart: Int? = nil) {
        self.promptLength = promptLength
        self.answerStart = answerStart ?? promptLength
    }
}

/// How the KV cache treats steered positions (steering-methods.md §0.3).
public enum CacheMode: String, Sendable, CaseIterable {
    /// A position steered when first computed keeps its steered keys and values (llama.cpp; default, cheapest).
    case steeredPersist = "steered-persist"
    /// Earlier positions are unsteered at every step, as reference code that recomputes the whole sequence without
    /// a cache and steers only its newest position. Differs from steered-persist only for policy `last`, where the
    /// newest rows run a second time unsteered to rewrite their cache entries.
    case referenceRecompute = "reference-recompute"
}
