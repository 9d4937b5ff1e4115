/// One item's scores and metrics, as results record them.
public struct MCItemResult: Sendable, Codable, Equatable {
    public var index: Int
    public var id: String
    public var group: String?
    /// Per option, in the item's option order.
    public var scores: [OptionScore]
    /// The argmax option by the task's scoring, ties to the first; nil for truthfulqa-mc (three metrics, no single
    /// decision) and for a degenerate item.
    public var prediction: Int?
    /// The per-item values of the task's metrics (MCMetrics.itemMetricNames).
    public var metrics: [String: Double]
    /// Some option's score is not finite: every metric is 0.
    public var degenerate: Bool

    public init(index: Int, id: String, group: String?, scores: [OptionScore], prediction: Int?,
                metrics: [String: Double], degenerate: Bool) {
        self.index = index; self.id = id; self.group = group; self.scores = scores
        self.prediction = prediction; self.metrics = metrics; self.degenerate = degenerate
    }
}
