import ArgumentParser
import Foundation
import Tokenizers

/// `veer detokenize [--json] IDS...`: token ids back to text, the inverse of `veer tokenize`. The ids may be separate
/// arguments or one argument separated by commas or spaces, with or without brackets, so `[1, 2, 3]` copied from
/// `tokenize --json` works; `-` reads them from standard input.
struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detokenize", abstract: "Turn token ids back into text.")

    @OptionGroup var location: ModelPathOption
    @Flag(name: .customLong("skip-special"), help: "Leave out control tokens such as <|im_start|> (default: write their text).")
    var skipSpecial = false
    @OptionGroup var output: OutputOptions
    @Argument(help: "Token ids: 1 2 3, '1,2,3' or '[1, 2, 3]'; '-' reads them from standard input.")
    var ids: [String] = []

    struct Result: Encodable { var tokens: [Int32]; var text: String; var run: RunManifest }

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give token ids (e.g. veer detokenize 1 2 3), or '-' to read them from standard input") }
    }

    /// Parses the id list; an entry that is not a whole number is an error naming it.
    static func parse(_ text: String) throws -> [Int32] {
        let separators = CharacterSet(charactersIn: "[], \t\r\n")
        return try text.components(separatedBy: separators).filter { !$0.isEmpty }.map { item in
            guard let id = Int32(item) else {
                throw InvalidInput("token id '\(item)': expected a whole number (ids as 1 2 3, 1,2,3 or [1, 2, 3])")
            }
            return id
        }
    }

    func run() throws {
        let text = ids == ["-"] ? try PromptInput.readStandardInput() : ids.joined(separator: " ")
        let tokens = try Self.parse(text)
        let (path, _, tokenizer) = try location.open()
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= tokenizer.vocabulary.count }) {
            throw InvalidInput("token id \(bad) is outside the vocabulary of \(path.lastPathComponent) (ids 0...\(tokenizer.vocabulary.count - 1))")
        }
        let bytes = tokenizer.detokenize(tokens, renderSpecial: !skipSpecial)
        if output.json {
            let run = try RunManifest.tokenizerOnly(path: path, bos: false)
            try Console.json(Result(tokens: tokens, text: String(decoding: bytes, as: UTF8.self), run: run))
        } else {
            // The bytes as the model produced them (a cut UTF-8 character stays cut), then a newline.
            FileHandle.standardOutput.write(Data(bytes + [UInt8(ascii: "\n")]))
        }
    }
}
