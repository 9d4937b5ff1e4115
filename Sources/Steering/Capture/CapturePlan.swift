/// How texts are laid out over forward passes. Short texts are packed side by side, each in its own KV-cache slot
/// starting at position 0, while rows and slots last (a row's activations do not depend on the other rows of a
/// batch, so packing changes speed, not values). A text longer than the model's row capacity runs alone in slot 0,
/// one block of rows per pass with increasing start positions, each block reading the earlier ones from the cache.
struct CapturePlan: Equatable {
    /// One stretch of one text inside a pass.
    struct Segment: Equatable {
        var text: Int
        /// Token indices of the text, also their positions in the sequence.
        var tokens: Range<Int>
        var slot: Int
        /// Where the stretch starts among the pass's rows.
        var firstRow: Int
    }

    struct Pass: Equatable {
        var segments: [Segment] = []
        var rows: Int { segments.last.map { $0.firstRow + $0.tokens.count } ?? 0 }
        /// Texts whose last token is in this pass, in text order: complete once the pass has run.
        var completedTexts: [Int] = []
    }

    var passes: [Pass] = []

    /// `tokenCounts`: [texts] tokens per text, each at least 1. `maxRows`, `slots`: the model's capacity per pass.
    init(tokenCounts: [Int], maxRows: Int, slots: Int) {
        precondition(maxRows >= 1 && slots >= 1 && tokenCounts.allSatisfy { $0 >= 1 })
        var current = Pass()
        func flush() {
            if !current.segments.isEmpty { passes.append(current) }
            current = Pass()
        }
        for (text, count) in tokenCounts.enumerated() {
            if count > maxRows {
                flush()
                var start = 0
                while start < count {
                    let end = min(start + maxRows, count)
                    current.segments = [Segment(text: text, tokens: start..<end, slot: 0, firstRow: 0)]
                    if end == count { current.completedTexts = [text] }
                    flush()
                    start = end
                }
                continue
            }
            if current.rows + count > maxRows || current.segments.count == slots { flush() }
            current.segments.append(Segment(text: text, tokens: 0..<count, slot: current.segments.count,
                                            firstRow: current.rows))
            current.completedTexts.append(text)
        }
        flush()
    }
}
