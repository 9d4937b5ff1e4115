/// Bad concept-probability input (a words file, a labelled set, sweep settings) or a judge that cannot answer: the
/// message names the file, line, key or value and what was expected.
public struct ConceptError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
