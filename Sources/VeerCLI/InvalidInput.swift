/// A bad option or environment value found while a command runs (after argument parsing, so no usage text follows
/// it). The message names the option or variable, the value, and what was expected.
struct InvalidInput: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
