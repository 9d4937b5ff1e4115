/// llama.cpp's two-value options, `--control-vector-scaled FILE SCALE` and `--control-vector-layer-range START END`.
/// ArgumentParser has no option that takes exactly two values, and a negative SCALE would read as an option, so
/// before parsing each such pair becomes one value: the two joined by NUL, a byte no command-line argument can
/// contain, so the split is exact whatever the file name holds.
enum LlamaCppArguments {
    static let pairOptions: Set<String> = ["--control-vector-scaled", "--control-vector-layer-range"]
    static let separator: Character = "\u{0}"

    /// `arguments` with the two values after each pair option joined. A pair option missing its second value is
    /// left as it is, and the option's own check names what is missing. Everything after `--` is left alone.
    static func joiningPairs(_ arguments: [String]) -> [String] {
        var result: [String] = [], index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { return result + arguments[index...] }
            if pairOptions.contains(argument), index + 2 < arguments.endIndex {
                result += [argument, "\(arguments[index + 1])\(separator)\(arguments[index + 2])"]
                index += 3
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }

    /// The values of one joined pair.
    static func values(_ joined: String) -> [String] {
        joined.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
