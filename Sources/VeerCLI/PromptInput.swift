import ArgumentParser
import Foundation

/// Where a command's text comes from, as in llama.cpp: the argument, `-f/--file FILE`, or `-` for standard input.
/// A file or stdin loses one trailing newline (an editor's final line break is not part of the prompt, as llama.cpp's
/// `-f`); everything else is kept byte for byte.
struct PromptInput: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Read the text from this file.")
    var file: String?

    @Argument(help: ArgumentHelp("The text; '-' reads it from standard input.", valueName: "text"))
    var argument: String?

    static let stdinMarker = "-"

    func validate() throws {
        switch (argument, file) {
        case (nil, nil): throw ValidationError("give the text as an argument, with -f FILE, or '-' to read standard input")
        case (.some, .some): throw ValidationError("give the text either as an argument or with -f \(file!), not both")
        default: break
        }
    }

    /// The text, read once (stdin can only be read once).
    func read() throws -> String {
        if let argument, argument != Self.stdinMarker { return argument }
        var text: String
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw InvalidInput("-f \(file): cannot read the file (\((error as NSError).localizedDescription))")
            }
            text = try Self.decode(data, source: "-f \(file)")
        } else {
            text = try Self.readStandardInput()
        }
        if text.hasSuffix("\r\n") { text.removeLast() } else if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// All of standard input as text, unchanged (a caller drops what trailing newline it wants); not UTF-8 is an error.
    static func readStandardInput() throws -> String {
        try decode(FileHandle.standardInput.readDataToEndOfFile(), source: "standard input")
    }

    private static func decode(_ data: Data, source: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidInput("\(source): the text is not valid UTF-8")
        }
        return text
    }
}
