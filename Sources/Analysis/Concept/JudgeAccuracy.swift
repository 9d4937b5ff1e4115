/// How well a scorer (the judge model, or a lexicon) reproduces hand labels: overall accuracy, accuracy on each
/// label, and the confusion counts. Positive = label 1 (the text expresses the concept).
public struct JudgeAccuracy: Codable, Equatable, Sendable {
    /// What was scored: "judge MODEL" or "lexicon FILE".
    public var scorer: String
    /// The concept the items are labelled for.
    public var concept: String
    public var items: Int
    /// Correct / items.
    public var accuracy: Double
    /// Correct among the items labelled 1 (recall); nil when there are none.
    public var accuracyPositive: Double?
    /// Correct among the items labelled 0 (specificity); nil when there are none.
    public var accuracyNegative: Double?
    public var truePositive: Int
    public var falsePositive: Int
    public var trueNegative: Int
    public var falseNegative: Int
    /// For the judge: the area under the ROC curve of its `p_yes`, i.e. the chance that a random label-1 item gets a
    /// higher p_yes than a random label-0 item (ties count half). It shows whether the judge ranks texts by the
    /// concept even when its 1/0 threshold is off (a small judge that says 1 to everything has accuracy 0.5 but may
    /// still rank well). nil for the lexicon, or when one label is missing.
    public var rankAUC: Double?

    enum CodingKeys: String, CodingKey {
        case scorer, concept, items, accuracy, accuracyPositive = "accuracy_positive", accuracyNegative = "accuracy_negative"
        case truePositive = "true_positive", falsePositive = "false_positive", trueNegative = "true_negative"
        case falseNegative = "false_negative", rankAUC = "rank_auc"
    }

    /// Compares `predicted` labels with the hand labels `truth` (both 0/1, same order and count); `scores` (the
    /// judge's p_yes per item, same order) adds `rankAUC`.
    public init(scorer: String, concept: String, truth: [Int], predicted: [Int], scores: [Double]? = nil) throws {
        guard truth.count == predicted.count, !truth.isEmpty else {
            throw ConceptError("judge accuracy needs one prediction per labelled item: \(truth.count) labels, \(predicted.count) predictions")
        }
        if let bad = (truth + predicted).first(where: { $0 != 0 && $0 != 1 }) {
            throw ConceptError("labels must be 0 or 1, found \(bad)")
        }
        self.scorer = scorer
        self.concept = concept
        items = truth.count
        let pairs = Array(zip(truth, predicted))
        truePositive = pairs.filter { $0 == (1, 1) }.count
        falseNegative = pairs.filter { $0 == (1, 0) }.count
        trueNegative = pairs.filter { $0 == (0, 0) }.count
        falsePositive = pairs.filter { $0 == (0, 1) }.count
        accuracy = Double(truePositive + trueNegative) / Double(items)
        let positives = truePositive + falseNegative, negatives = trueNegative + falsePositive
        accuracyPositive = positives > 0 ? Double(truePositive) / Double(positives) : nil
        accuracyNegative = negatives > 0 ? Double(trueNegative) / Double(negatives) : nil
        if let scores {
            guard scores.count == truth.count else {
                throw ConceptError("judge accuracy needs one score per labelled item: \(truth.count) labels, \(scores.count) scores")
            }
            rankAUC = Self.rankAUC(truth: truth, scores: scores)
        }
    }

    /// P(score of a label-1 item > score of a label-0 item) + ½ P(equal), over all pairs; nil without both labels.
    static func rankAUC(truth: [Int], scores: [Double]) -> Double? {
        let positive = zip(truth, scores).filter { $0.0 == 1 }.map(\.1)
        let negative = zip(truth, scores).filter { $0.0 == 0 }.map(\.1)
        guard !positive.isEmpty, !negative.isEmpty else { return nil }
        var wins = 0.0
        for p in positive {
            for n in negative { wins += p > n ? 1 : (p == n ? 0.5 : 0) }
        }
        return wins / Double(positive.count * negative.count)
    }

    /// The lexicon's accuracy on the items of `set` labelled for `concept` (throws when there are none).
    public static func lexicon(_ lexicon: ConceptLexicon, on set: [LabelledCompletion], concept: String) throws -> JudgeAccuracy {
        let items = try LabelledCompletion.items(set, concept: concept)
        return try JudgeAccuracy(scorer: "lexicon \(lexicon.source)", concept: concept, truth: items.map(\.label),
                                 predicted: items.map { lexicon.label($0.text) })
    }
}

extension LabelledCompletion {
    /// The items of `set` for `concept`; throws naming the concepts the set has when there are none.
    public static func items(_ set: [LabelledCompletion], concept: String) throws -> [LabelledCompletion] {
        let items = set.filter { $0.concept == concept }
        guard !items.isEmpty else {
            let known = Set(set.map(\.concept)).sorted().joined(separator: ", ")
            throw ConceptError("the labelled set has no completions for the concept \"\(concept)\" (it has: \(known))")
        }
        return items
    }
}
