/// A request the scorer cannot run, named by its index.
public struct ScoringError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
