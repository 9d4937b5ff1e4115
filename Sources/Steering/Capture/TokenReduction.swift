/// How the activations of one text's tokens become what a capture keeps (steering-methods.md §0.5 "reducer").
public enum TokenReduction: Sendable, Equatable, CustomStringConvertible {
    /// The text's last token: [1, width].
    case last
    /// The average over all of the text's tokens (BOS and template tokens included): [1, width].
    case mean
    /// The token at an index; a negative index counts from the end (-1 is the last token): [1, width].
    case index(Int)
    /// Every token: [tokens, width].
    case none

    /// Parses the CLI spelling: `last`, `mean`, `none`, `index:K` (K may be negative).
    public init(parsing text: String) throws {
        switch text {
        case "last": self = .last
        case "mean": self = .mean
        case "none": self = .none
        default:
            guard text.hasPrefix("index:"), let k = Int(text.dropFirst("index:".count)) else {
                throw CaptureError.badReduction(text)
            }
            self = .index(k)
        }
    }

    /// The reduction's name, as the CLI takes it.
    public var description: String {
        switch self {
        case .last: return "last"
        case .mean: return "mean"
        case .none: return "none"
        case .index(let k): return "index:\(k)"
        }
    }

    /// Rows kept per text of `tokens` tokens.
    public func rows(forTokens tokens: Int) -> Int { self == .none ? tokens : 1 }

    /// The single token a `last`/`index` reduction keeps in a text of `tokens` tokens, nil for `mean` and `none`,
    /// or an error when the index falls outside the text.
    func keptToken(inTextOf tokens: Int, text: Int) throws -> Int? {
        switch self {
        case .last: return tokens - 1
        case .mean, .none: return nil
        case .index(let k):
            let resolved = k >= 0 ? k : tokens + k
            guard resolved >= 0, resolved < tokens else {
                throw CaptureError.indexOutsideText(text: text, index: k, tokens: tokens)
            }
            return resolved
        }
    }
}
