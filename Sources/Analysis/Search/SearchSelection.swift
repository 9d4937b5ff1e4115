/// One scored candidate of a stage: its validation metrics.
public struct SearchRow: Sendable, Equatable, Codable {
    public var candidate: SearchCandidate
    public var mc1: Double
    public var mc2: Double
    public var mc3: Double
    /// Validation questions scored.
    public var items: Int
    /// Questions whose logits were degenerate (they score 0).
    public var degenerateItems: Int

    public init(candidate: SearchCandidate, mc1: Double, mc2: Double, mc3: Double, items: Int, degenerateItems: Int) {
        self.candidate = candidate; self.mc1 = mc1; self.mc2 = mc2; self.mc3 = mc3; self.items = items
        self.degenerateItems = degenerateItems
    }

    enum CodingKeys: String, CodingKey { case candidate, mc1, mc2, mc3, items, degenerateItems = "degenerate_items" }
}

/// Which candidate wins: the highest MC2 on the validation questions; ties go to the higher MC1, then the lower
/// layer, then the earlier candidate of the stage (the grids are ascending, so the lower strength, then the lower β).
public enum SearchSelection {
    /// The best row of each method among `rows` (in stage order), by method.
    public static func best(_ rows: [SearchRow]) -> [SearchMethod: SearchRow] {
        var winners: [SearchMethod: SearchRow] = [:]
        for row in rows {
            guard let current = winners[row.candidate.method] else { winners[row.candidate.method] = row; continue }
            if beats(row, current) { winners[row.candidate.method] = row }
        }
        return winners
    }

    /// Whether `a` wins over `b` when `b` came first.
    static func beats(_ a: SearchRow, _ b: SearchRow) -> Bool {
        if a.mc2 != b.mc2 { return a.mc2 > b.mc2 }
        if a.mc1 != b.mc1 { return a.mc1 > b.mc1 }
        return a.candidate.layer < b.candidate.layer
    }
}
