import ArgumentParser
import Tokenizers

/// `veer tokenize [--json] TEXT`: the model's token ids and pieces for a text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Tokenize a text with the model's tokenizer.")

    @OptionGroup var location: ModelPathOption
    @Flag(inversion: .prefixedNo, help: "Add the BOS token (default: the model's tokenizer.ggml.add_bos_token).") var bos: Bool?
    @Flag(help: "Treat special-token text (<|im_start|> ...) as plain text.") var noSpecial = false
    @OptionGroup var output: OutputOptions
    @OptionGroup var input: PromptInput

    struct Result: Encodable { var tokens: [Int32]; var pieces: [String]; var bos: Bool; var run: RunManifest }

    func run() throws {
        let (path, _, tokenizer) = try location.open()
        let encoding = tokenizer.encode(try input.read(), parseSpecial: !noSpecial, addBOS: bos)
        let pieces = encoding.ids.map { tokenizer.decode([$0], renderSpecial: true) }
        if output.json {
            let run = try RunManifest.tokenizerOnly(path: path, bos: encoding.usedBOS)
            try Console.json(Result(tokens: encoding.ids, pieces: pieces, bos: encoding.usedBOS, run: run))
        } else {
            for (id, piece) in zip(encoding.ids, pieces) { Console.output("\(id)\t\(piece.debugDescription)") }
        }
    }
}
