import Testing
@testable import Evaluation

/// KFold as scikit-learn splits (KFold(n_splits=n, shuffle=False): the first count % n folds one item larger), and
/// `--fold k/n` parsing.
@Suite("K-fold splits") struct KFoldSplitTests {
    /// sklearn: list(KFold(2).split(range(817))) test folds are 0..408 and 409..816; KFold(3) on 10 items: 4, 3, 3.
    @Test func foldsAreConsecutiveAndTheFirstOnesLarger() throws {
        #expect(try KFoldSplit(count: 817, folds: 2).ranges == [0..<409, 409..<817])
        #expect(try KFoldSplit(count: 6, folds: 2).ranges == [0..<3, 3..<6])
        #expect(try KFoldSplit(count: 10, folds: 3).sizes == [4, 3, 3])
        #expect(try KFoldSplit(count: 11, folds: 3).ranges == [0..<4, 4..<8, 8..<11])
        #expect(try KFoldSplit(count: 5, folds: 2).range(1) == 3..<5)
    }

    @Test func tooFewItemsOrFoldsAreErrors() {
        #expect(throws: KFoldError("3 items cannot be split into 4 folds (each fold needs an item)")) { try KFoldSplit(count: 3, folds: 4) }
        #expect(throws: KFoldError("a k-fold split needs at least 2 folds, got 1")) { try KFoldSplit(count: 3, folds: 1) }
    }

    @Test func foldChoicesParse() throws {
        #expect(try FoldChoice(parsing: "1/2") == FoldChoice(index: 1, count: 2))
        #expect(try FoldChoice(parsing: "0/5").description == "0/5")
        for bad in ["2/2", "1/1", "-1/2", "1", "a/2", "1/2/3", ""] {
            #expect(throws: KFoldError("--fold \(bad): expected k/n with n >= 2 and 0 <= k < n (0-based), e.g. 1/2")) {
                try FoldChoice(parsing: bad)
            }
        }
    }
}
