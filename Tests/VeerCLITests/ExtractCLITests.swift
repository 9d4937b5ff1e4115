import Foundation
import GGUF
import Testing
import TestSupport

/// `veer extract` end to end on the default model: llama.cpp's own prompt files through `cvector-mean` reproduce the
/// golden llama.cpp vector, and `mean-diff` on the repository's demo pairs writes a file in llama.cpp's layout.
@Suite("veer extract", .enabled(if: GenerateGoldenCLITests.enabled))
struct ExtractCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "veer-extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func directions(_ path: String) throws -> [Int: [Float]] {
        let file = try GGUFFile(path: path)
        var result: [Int: [Float]] = [:]
        for tensor in file.tensors where tensor.name.hasPrefix("direction.") {
            let bytes = file.bytes(of: tensor)
            result[Int(tensor.name.dropFirst("direction.".count))!] = (0..<bytes.count / 4).map {
                bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)
            }
        }
        return result
    }

    /// The smallest cosine between our and their direction of a block, over the blocks both have.
    static func minimumCosine(_ ours: [Int: [Float]], _ theirs: [Int: [Float]]) -> Double {
        var worst = 1.0
        for (block, reference) in theirs {
            guard let mine = ours[block] else { continue }
            var dot = 0.0, a = 0.0, b = 0.0
            for (x, y) in zip(mine, reference) { dot += Double(x) * Double(y); a += Double(x * x); b += Double(y * y) }
            worst = min(worst, dot / (a * b).squareRoot())
        }
        return worst
    }

    /// `veer extract --method cvector-mean` (on the CPU, `model` arguments first) from llama-cvector-generator's
    /// prompt files, written into `directory`, into `out`: expects it to succeed with the golden vector's blocks, all
    /// `blocks` of them, and returns the smallest cosine per block against the golden.
    static func cvectorMeanCosine(_ prompts: CVectorGoldens.TrainingPrompts, model: [String] = [], in directory: URL,
                                  out: String, golden: String, blocks: Int) throws -> Double {
        let (positive, negative) = try prompts.writePromptFiles(in: directory)
        let result = try VeerProcess.run(["extract"] + model + ["--backend", "cpu", "--method", "cvector-mean",
                                          "--positive-file", positive.path, "--negative-file", negative.path,
                                          "--out", out, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let ours = try directions(out)
        let theirs = try directions(GoldenFile.vectorFile(golden))
        #expect(Set(ours.keys) == Set(theirs.keys) && ours.count == blocks)
        return minimumCosine(ours, theirs)
    }

    /// The golden training prompts written as llama.cpp's prompt files (one per line, "\n" escapes).
    @Test func cvectorMeanReproducesLlamaCppsVector() throws {
        let prompts = try CVectorGoldens.shared.training_prompts
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let worst = try Self.cvectorMeanCosine(prompts, in: directory, out: directory.appending(path: "happy.gguf").path,
                                               golden: "cvector-happy.gguf", blocks: 29)
        #expect(worst >= ModelTolerance.cvectorMeanCosine, "min cosine per block against cvector-happy.gguf = \(worst)")
        print("veer extract --method cvector-mean vs cvector-happy.gguf: min cosine per block = \(worst)")
    }

    @Test func meanDiffOnTheDemoPairsWritesALlamaCppLayout() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "demo.gguf").path
        let result = try VeerProcess.run(["extract", "--backend", "cpu", "--pairs",
                                          Self.root.appending(path: "examples/happy-sad-pairs.jsonl").path,
                                          "--layers", "5-20", "--strength-range", "-4:8", "--out", out, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try result.json() as? [String: Any])
        #expect(json["blocks"] as? [Int] == Array(5...20))
        // Block numbers are integers in numeric order (they were string keys, "10" sorted before "5").
        let norms = try #require(json["mean_residual_norms"] as? [[String: Any]])
        #expect(norms.map { $0["block"] as? Int } == (5...20).map { $0 })
        let directions = try #require(json["direction_norms"] as? [[String: Any]])
        #expect(directions.map { $0["block"] as? Int } == (5...20).map { $0 })
        let file = try GGUFFile(path: out)
        #expect(Set(file.tensors.map(\.name)) == Set((5...20).map { "direction.\($0)" }))
        let info = try VeerProcess.run(["vector", "info", "--json", out])
        #expect(info.status == 0, "stderr: \(info.stderr)")
        #expect(info.stdout.contains("mean-diff") && info.stdout.contains("fingerprint"), "info: \(info.stdout)")
    }

    @Test func badPairsAreClearErrors() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pairs = directory.appending(path: "pairs.jsonl")
        try "{\"positive\": \"a\", \"negative\": \"b\"}\n{\"positive\": \"only\"}\n".write(to: pairs, atomically: true, encoding: .utf8)
        let result = try VeerProcess.run(["extract", "--backend", "cpu", "--pairs", pairs.path, "--out",
                                          directory.appending(path: "x.gguf").path])
        #expect(result.status != 0 && result.stderr.contains("pairs.jsonl:2"), "stderr: \(result.stderr)")
        let both = try VeerProcess.run(["extract", "--pairs", pairs.path, "--positive-file", pairs.path, "--out", "x.gguf"])
        #expect(both.status != 0 && both.stderr.contains("either --pairs"), "stderr: \(both.stderr)")
    }
}
