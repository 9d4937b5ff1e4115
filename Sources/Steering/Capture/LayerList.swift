/// Block indices written as the CLI takes them: `A-B` (inclusive), `3,7,9`, or a mix (`0-3,9`); spaces around
/// items are allowed. `LayerSelection` (steering's `--layers`) parses its lists with it.
public enum LayerList {
    /// The blocks `text` lists, in its order; throws `LayerListError` naming the bad item.
    public static func parse(_ text: String) throws -> [Int] {
        var layers: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (1...2).contains(bounds.count), let first = Int(bounds[0]), first >= 0,
                  let last = bounds.count == 2 ? Int(bounds[1]) : first, last >= first else {
                throw LayerListError(text: text, item: String(item))
            }
            layers += Array(first...last)
        }
        return layers
    }
}

/// A block list that does not parse.
public struct LayerListError: Error, CustomStringConvertible, Equatable {
    /// The whole list as given.
    public var text: String
    /// The item that is not a block index or range.
    public var item: String
    /// The message, with the list, the bad item and the accepted forms.
    public var description: String {
        "layers '\(text)': '\(item)' is not a block index or an inclusive range A-B with 0 <= A <= B (e.g. 3-7 or 3,7,9)"
    }
}
