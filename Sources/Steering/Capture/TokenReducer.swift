/// Accumulates one text's activations at one layer as its rows arrive (in token order, possibly over several
/// passes) and produces the reduced rows.
struct TokenReducer {
    let reduction: TokenReduction
    let tokens: Int
    let width: Int
    /// The one token `last`/`index` keeps, nil otherwise.
    let keptToken: Int?
    /// `none`: [tokens, width]; `last`/`index`: [1, width] once the kept token has arrived.
    private var kept: [Float]
    /// `mean`: [width] running sum in f64, so long texts lose nothing to f32 rounding.
    private var sum: [Double]
    private var seen = 0

    init(reduction: TokenReduction, tokens: Int, width: Int, text: Int) throws {
        self.reduction = reduction
        self.tokens = tokens
        self.width = width
        keptToken = try reduction.keptToken(inTextOf: tokens, text: text)
        kept = []
        kept.reserveCapacity(reduction.rows(forTokens: tokens) * width)
        sum = reduction == .mean ? [Double](repeating: 0, count: width) : []
    }

    /// The tokens of `segment` this reduction reads: all of them for `mean`/`none`, the kept token (or nothing)
    /// for `last`/`index`.
    func needed(of segment: Range<Int>) -> Range<Int> {
        guard let keptToken else { return segment }
        return segment.contains(keptToken) ? keptToken..<keptToken + 1 : segment.lowerBound..<segment.lowerBound
    }

    /// Takes the text's next stretch of tokens, `segment`: `rows` is [needed.count, width], the activations of
    /// `needed(of: segment)`. Segments must arrive in token order.
    mutating func add(_ rows: UnsafeBufferPointer<Float>, of segment: Range<Int>) {
        let needed = needed(of: segment)
        precondition(segment.lowerBound == seen && rows.count == needed.count * width, "rows must arrive in token order")
        seen = segment.upperBound
        switch reduction {
        case .none, .last, .index:
            kept.append(contentsOf: rows)
        case .mean:
            for r in 0..<needed.count {
                for i in 0..<width { sum[i] += Double(rows[r * width + i]) }
            }
        }
    }

    /// The reduced rows: [tokens, width] for `none`, else [1, width].
    func finish() -> [Float] {
        precondition(seen == tokens, "text finished after \(seen) of \(tokens) tokens")
        if reduction == .mean { return sum.map { Float($0 / Double(tokens)) } }
        return kept
    }
}
