/// Why directions cannot be extracted. Each case names the file and line, pair, layer or value at fault.
public enum ExtractionError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case badLine(file: String, line: Int, problem: String)
    case noPairs(file: String)
    case pairCountMismatch(positive: Int, negative: Int)
    case unsupportedReduction(method: String, reduction: TokenReduction)
    case identicalPair(pair: Int, layer: Int)
    case emptyClass(class: String, source: String)
    case noDirection(method: String, layer: Int, reason: String)
    case badValue(option: String, value: String, expected: String)

    /// The message, naming the input and what was expected.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .badLine(file, line, problem):
            return "\(file):\(line): \(problem)"
        case .noPairs(let file):
            return "\(file): no pairs (expected one JSON object {\"positive\": ..., \"negative\": ...} per line)"
        case let .pairCountMismatch(positive, negative):
            return "\(positive) positive and \(negative) negative texts: contrastive pairs need the same number of each, at least one"
        case let .unsupportedReduction(method, reduction):
            return "\(method) reduces each text to one row: reduction \(reduction) is not supported (use last, mean or index:K)"
        case let .identicalPair(pair, layer):
            return "pair \(pair): the positive and negative texts give identical activations at every position of resid_post[\(layer)] (are they the same text?)"
        case let .emptyClass(label, source):
            return "\(source): no \(label) texts; both classes need at least one"
        case let .noDirection(method, layer, reason):
            return "\(method) finds no direction at block \(layer): \(reason)"
        case let .badValue(option, value, expected):
            return "\(option) \(value): expected \(expected)"
        }
    }
}
