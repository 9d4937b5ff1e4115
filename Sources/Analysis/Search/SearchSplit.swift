import Evaluation

/// How the search divides TruthfulQA's questions (docs/analysis-search.md): the two-fold protocol's KFold(2) split,
/// fold 0 for training and fold 1 for the final score only; inside fold 0, the last `validation` questions score the
/// candidates and the rest are the extraction questions. Ranges are 0-based question indices of the file.
public struct SearchSplit: Sendable, Equatable, Codable {
    /// Questions in the file.
    public var questions: Int
    /// Fold 0: every question the search may look at (extraction and validation).
    public var trainingFold: Range<Int>
    /// Fold 1: only the final score (`veer eval mc --fold 1/2`) reads it.
    public var heldOutFold: Range<Int>
    /// The first questions of fold 0: vectors are extracted from them during the search.
    public var extraction: Range<Int>
    /// The last questions of fold 0: the candidates are scored on them.
    public var validation: Range<Int>

    enum CodingKeys: String, CodingKey {
        case questions, extraction, validation
        case trainingFold = "training_fold", heldOutFold = "held_out_fold"
    }

    /// Extraction needs at least this many questions (ITI holds a fifth of them out for its probes).
    public static let minimumExtraction = 5

    public init(questions: Int, validation: Int) throws {
        guard validation >= 1 else { throw SearchError("--validation \(validation): expected a whole number of questions >= 1") }
        let folds = try KFoldSplit(count: questions, folds: 2).ranges
        let training = folds[0]
        guard validation <= training.count - Self.minimumExtraction else {
            throw SearchError("--validation \(validation): the training fold has \(training.count) questions and extraction needs at least \(Self.minimumExtraction) of them; give at most \(training.count - Self.minimumExtraction)")
        }
        self.questions = questions
        trainingFold = training
        heldOutFold = folds[1]
        extraction = training.lowerBound..<(training.upperBound - validation)
        self.validation = (training.upperBound - validation)..<training.upperBound
    }

    /// The validation questions of slice i/n: those k with k mod n == i, as `veer eval mc --shard` slices items.
    public func validation(shard index: Int, of count: Int) -> [Int] {
        validation.filter { $0 % count == index }
    }
}
