import Foundation

/// The steering strengths a sweep runs: `A:B:N` (N evenly spaced values from A to B, numpy's linspace) or a comma
/// list, always with 0 added, sorted ascending, duplicates removed. 0 is always present because every measurement
/// of a sweep is a change against the unsteered model.
public struct AlphaGrid: Sendable, Equatable {
    /// Ascending, distinct, finite, containing 0.
    public let values: [Double]

    /// The most points a grid may have: the paper's own sweeps use 1025; more only costs time.
    public static let maximumCount = 100_000

    /// A grid of `values` ∪ {0}; non-finite values are an error naming `option`.
    public init(values: [Double], option: String = "--alphas") throws {
        if let bad = values.first(where: { !$0.isFinite }) {
            throw ParseError(option: option, text: values.map { "\($0)" }.joined(separator: ","),
                             problem: "\(bad) is not a finite number")
        }
        // -0 is 0: one zero, printed without a sign.
        self.values = Array(Set(values.map { $0 == 0 ? 0 : $0 } + [0])).sorted()
    }

    /// Parses `A:B:N` or a comma list (`-4,-1,2.5`). Errors name `option` and the text given.
    public init(parsing text: String, option: String = "--alphas") throws {
        func fail(_ problem: String) -> ParseError { ParseError(option: option, text: text, problem: problem) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw fail("the value is empty") }
        if trimmed.contains(":") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3 else { throw fail("expected three parts A:B:N, got \(parts.count)") }
            guard let start = Double(parts[0]), start.isFinite else { throw fail("the start '\(parts[0])' is not a finite number") }
            guard let end = Double(parts[1]), end.isFinite else { throw fail("the end '\(parts[1])' is not a finite number") }
            guard let count = Int(parts[2]), count >= 1, count <= Self.maximumCount else {
                throw fail("the count '\(parts[2])' is not a whole number in 1...\(Self.maximumCount)")
            }
            try self.init(values: Self.linspace(start, end, count), option: option)
        } else {
            let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count <= Self.maximumCount else { throw fail("more than \(Self.maximumCount) values") }
            let numbers = try parts.map { part -> Double in
                guard let value = Double(part), value.isFinite else { throw fail("'\(part)' is not a finite number") }
                return value
            }
            try self.init(values: numbers, option: option)
        }
    }

    /// numpy's `linspace(start, end, count)`: start + i·(end − start)/(count − 1), the last value exactly `end`.
    public static func linspace(_ start: Double, _ end: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? end : start + Double($0) * step }
    }

    /// The index of 0 in `values`.
    public var zeroIndex: Int { values.firstIndex(of: 0)! }

    /// A grid the user wrote wrongly: names the option, the text and what is wrong, and shows both forms.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var option: String, text: String, problem: String
        public var description: String {
            "\(option) \(text): \(problem); expected A:B:N (N values from A to B, 0 added) or a comma list of numbers, e.g. -8:8:17 or -4,-2,2,4"
        }
    }
}
