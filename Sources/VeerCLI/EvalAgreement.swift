import Evaluation

/// Per-item agreement between configurations: how often two of them decide an item the same way (the predicted
/// option; for TruthfulQA, whether MC1 is right).
enum EvalAgreement {
    static func decision(_ result: MCItemResult) -> Double? {
        result.prediction.map(Double.init) ?? result.metrics["mc1"]
    }

    /// Every pair of configurations, in order; nil for a single configuration.
    static func pairs(_ records: [EvalDocument.ItemRecord], configurations names: [String]) -> [EvalDocument.Agreement]? {
        guard names.count > 1 else { return nil }
        var byConfig: [String: [Int: Double]] = [:]
        for record in records {
            if let d = decision(record.result) { byConfig[record.config, default: [:]][record.result.index] = d }
        }
        var pairs: [EvalDocument.Agreement] = []
        for i in names.indices {
            for j in names.indices where j > i {
                let a = byConfig[names[i]] ?? [:], b = byConfig[names[j]] ?? [:]
                let shared = a.keys.filter { b[$0] != nil }
                let same = shared.filter { a[$0] == b[$0] }.count
                pairs.append(.init(a: names[i], b: names[j], agreement: shared.isEmpty ? 0 : Double(same) / Double(shared.count),
                                   items: shared.count))
            }
        }
        return pairs
    }
}
