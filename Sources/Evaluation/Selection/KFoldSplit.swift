/// scikit-learn's `KFold(n_splits: n, shuffle: false)` over `count` items in order: consecutive folds, the first
/// `count % n` of them one item larger. TruthfulQA's question-level two-fold protocol (steering-methods.md §2.1,
/// §2.5) and `veer eval mc --fold k/n` both split this way, so a fold means the same items everywhere.
public struct KFoldSplit: Sendable, Equatable {
    /// Items split.
    public var count: Int
    /// Folds (n_splits).
    public var folds: Int

    /// A split of `count` items into `folds` folds; each fold needs at least one item.
    public init(count: Int, folds: Int) throws {
        guard folds >= 2 else { throw KFoldError("a k-fold split needs at least 2 folds, got \(folds)") }
        guard count >= folds else {
            throw KFoldError("\(count) items cannot be split into \(folds) folds (each fold needs an item)")
        }
        self.count = count; self.folds = folds
    }

    /// Each fold's size, in fold order.
    public var sizes: [Int] { Self.sizes(count: count, folds: folds) }

    /// Each fold as a range of item positions (0-based, in order).
    public var ranges: [Range<Int>] { Self.ranges(count: count, folds: folds) }

    /// The fold sizes of `count` items in `folds` folds (some are 0 when there are fewer items than folds).
    public static func sizes(count: Int, folds: Int) -> [Int] {
        (0..<folds).map { count / folds + ($0 < count % folds ? 1 : 0) }
    }

    /// The folds of `count` items as ranges of item positions.
    public static func ranges(count: Int, folds: Int) -> [Range<Int>] {
        var start = 0
        return sizes(count: count, folds: folds).map { size in defer { start += size }; return start..<(start + size) }
    }

    /// Fold `k` (0-based).
    public func range(_ k: Int) -> Range<Int> { ranges[k] }
}

/// `k/n` as typed after `--fold`: fold k (0-based) of n.
public struct FoldChoice: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Parses "k/n" with n >= 2 and 0 <= k < n.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 2, k >= 0, k < n else {
            throw KFoldError("--fold \(text): expected k/n with n >= 2 and 0 <= k < n (0-based), e.g. 1/2")
        }
        index = k; count = n
    }

    public var description: String { "\(index)/\(count)" }
}

/// A fold request that cannot be met, with what was expected.
public struct KFoldError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
