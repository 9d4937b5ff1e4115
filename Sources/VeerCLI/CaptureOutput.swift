import ArgumentParser
import Foundation
import Steering
import Tokenizers

/// Where a capture came from, written beside the tensors.
struct CaptureProvenance {
    var textsFile: String
    var textsLayout: String
    var bos: Bool
    /// The template the texts were wrapped in, nil without --chat.
    var chatTemplate: String?
    var model: String
    var modelSHA256: String

    static func describe(_ template: ChatTemplate) -> String { template.summary }
}

/// `--out`: one .safetensors file, or a directory of .npy files plus meta.json.
enum CaptureDestination {
    case safetensors(URL)
    case directory(URL)

    init(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            self = .directory(URL(fileURLWithPath: path, isDirectory: true))
        } else if path.hasSuffix(".safetensors") {
            self = .safetensors(URL(fileURLWithPath: path))
        } else {
            throw ValidationError("--out \(path): expected a .safetensors file, or a directory (end the path with /) for .npy files")
        }
    }

    /// Writes the capture; returns the format and the paths written.
    func write(_ captured: CapturedActivations, provenance: CaptureProvenance) throws -> (format: String, files: [String]) {
        let request = captured.request
        let shape = [captured.rowCount, captured.width]
        func tensorName(_ layer: Int) -> String { "\(request.site.rawValue).\(layer)" }
        switch self {
        case .safetensors(let url):
            var metadata: [String: String] = [
                "format": "veer.capture", "site": request.site.rawValue,
                "layers": request.layers.map(String.init).joined(separator: ","),
                "reduce": request.reduction.description, "texts": String(captured.tokenCounts.count),
                "token_counts": "[" + captured.tokenCounts.map(String.init).joined(separator: ",") + "]",
                "bos": String(provenance.bos), "texts_file": provenance.textsFile, "texts_layout": provenance.textsLayout,
                "model": provenance.model, "model_sha256": provenance.modelSHA256,
            ]
            metadata["chat_template"] = provenance.chatTemplate ?? "none"
            let tensors = request.layers.map {
                SafetensorsWriter.Tensor(name: tensorName($0), shape: shape, values: captured.layers[$0]!)
            }
            try SafetensorsWriter.write(tensors, metadata: metadata, to: url)
            return ("safetensors", [url.path])
        case .directory(let url):
            try Self.createDirectory(url)
            var files: [String: String] = [:]
            var written: [URL] = []
            // The .npy files and meta.json are one capture: a failure part-way (a full disk) removes the files this
            // run wrote rather than leave a set that looks complete.
            do {
                for layer in request.layers {
                    let file = url.appending(path: tensorName(layer) + ".npy")
                    try NpyWriter.write(captured.layers[layer]!, shape: shape, to: file)
                    written.append(file)
                    files[String(layer)] = file.lastPathComponent
                }
                let meta = CaptureMeta(texts: captured.tokenCounts.count, texts_file: provenance.textsFile,
                                       texts_layout: provenance.textsLayout, token_counts: captured.tokenCounts,
                                       bos: provenance.bos, chat_template: provenance.chatTemplate,
                                       site: request.site.rawValue, layers: request.layers,
                                       reduce: request.reduction.description, shape: shape, files: files,
                                       model: provenance.model, model_sha256: provenance.modelSHA256)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let metaURL = url.appending(path: "meta.json")
                try OutputFile.write(Array(try encoder.encode(meta)) + Array("\n".utf8), to: metaURL)
            } catch {
                for file in written { try? FileManager.default.removeItem(at: file) }
                throw error
            }
            return ("npy", request.layers.map { url.appending(path: files[String($0)]!).path } + [url.appending(path: "meta.json").path])
        }
    }

    /// Fails, naming the path, when the output cannot be written, so that a long capture never ends in an error it
    /// could have given first: creates the .npy directory if needed, then creates and removes a file where the
    /// output goes.
    func checkWritable() throws {
        switch self {
        case .safetensors(let url):
            try OutputFile.checkWritable(url)
        case .directory(let url):
            try Self.createDirectory(url)
            try OutputFile.checkWritable(url.appending(path: "meta.json"))
        }
    }

    private static func createDirectory(_ url: URL) throws {
        do { try OutputFile.createDirectory(url) } catch {
            throw CaptureCommandError("--out: \(error)")
        }
    }
}

/// meta.json beside the .npy files. `chat_template` is written as null without --chat.
struct CaptureMeta: Encodable {
    var texts: Int
    var texts_file: String
    var texts_layout: String
    /// [texts] tokens per text; with reduce=none the rows of every .npy are these texts' tokens, concatenated.
    var token_counts: [Int]
    var bos: Bool
    var chat_template: String?
    var site: String
    var layers: [Int]
    var reduce: String
    /// [rows, width] of every .npy.
    var shape: [Int]
    /// Block index -> file name.
    var files: [String: String]
    var model: String
    var model_sha256: String

    enum CodingKeys: String, CodingKey {
        case texts, texts_file, texts_layout, token_counts, bos, chat_template, site, layers, reduce, shape, files, model, model_sha256
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(texts, forKey: .texts); try c.encode(texts_file, forKey: .texts_file)
        try c.encode(texts_layout, forKey: .texts_layout); try c.encode(token_counts, forKey: .token_counts)
        try c.encode(bos, forKey: .bos); try c.encode(chat_template, forKey: .chat_template)
        try c.encode(site, forKey: .site); try c.encode(layers, forKey: .layers); try c.encode(reduce, forKey: .reduce)
        try c.encode(shape, forKey: .shape); try c.encode(files, forKey: .files); try c.encode(model, forKey: .model)
        try c.encode(model_sha256, forKey: .model_sha256)
    }
}
