import Foundation

/// Which blocks steering may touch: `--layers A-B` (inclusive) or `--layers 3,7,9`, in block indices (0-based, as
/// `direction.N`). As with llama.cpp's `--control-vector-layer-range`, a range may end at n_layer: `1-30` on a
/// 30-block model means blocks 1...29. On a vector file with its own layers it filters; it never re-targets.
public struct LayerSelection: Sendable, Equatable, CustomStringConvertible {
    /// How the blocks were given.
    public enum Form: Sendable, Equatable {
        case range(ClosedRange<Int>)
        case list([Int])
    }
    /// The blocks, as given.
    public let form: Form

    /// Blocks A...B.
    public init(range: ClosedRange<Int>) { form = .range(range) }
    /// The listed blocks.
    public init(list: [Int]) { form = .list(list) }

    /// Parses `--layers`: `A-B` or a list (`3,7,9`, `0-3,9`); anything else is a `SteeringError` naming the text.
    public init(parsing text: String) throws {
        func fail() -> SteeringError {
            .badArgument("--layers '\(text)': expected an inclusive range A-B (e.g. 5-15) or a list of blocks (e.g. 3,7,9), block indices >= 0")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bounds = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]) {
            guard a >= 0, a <= b else { throw fail() }
            form = .range(a...b)
            return
        }
        // Anything else is a block list in capture's grammar (`3,7,9`, or with ranges `0-3,9`).
        do { form = .list(try LayerList.parse(trimmed)) } catch { throw fail() }
    }

    /// Whether `block` is selected.
    public func contains(_ block: Int) -> Bool {
        switch form {
        case .range(let range): range.contains(block)
        case .list(let blocks): blocks.contains(block)
        }
    }

    /// Checks the selection against a model: listed blocks must exist; a range may end at `blockCount` (llama.cpp's
    /// convention) but not start past the last block.
    public func validate(blockCount: Int) throws {
        switch form {
        case .range(let range):
            guard range.lowerBound < blockCount, range.upperBound <= blockCount else {
                throw SteeringError.mismatch("--layers \(self): the model has blocks 0...\(blockCount - 1) (a range may end at \(blockCount))")
            }
        case .list(let blocks):
            if let bad = blocks.first(where: { $0 >= blockCount }) {
                throw SteeringError.mismatch("--layers \(self): block \(bad) does not exist; the model has blocks 0...\(blockCount - 1)")
            }
        }
    }

    /// The selection as `--layers` takes it.
    public var description: String {
        switch form {
        case .range(let range): "\(range.lowerBound)-\(range.upperBound)"
        case .list(let blocks): blocks.map(String.init).joined(separator: ",")
        }
    }
}
