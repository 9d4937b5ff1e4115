import Foundation
import Testing
import TestSupport

/// `veer capture` end to end on the default model (release builds only, like the other whole-model CLI tests).
@Suite("veer capture", .enabled(if: GenerateGoldenCLITests.enabled))
struct CaptureCLITests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "veer-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        let b = Array(bytes)
        return stride(from: 0, to: b.count, by: 4).map {
            Float(bitPattern: UInt32(b[$0]) | UInt32(b[$0 + 1]) << 8 | UInt32(b[$0 + 2]) << 16 | UInt32(b[$0 + 3]) << 24)
        }
    }

    /// Plain-text prompts P1 and P2, index:-1 at blocks 3-5: a safetensors file whose rows start with llama.cpp's
    /// F32 `l_out` values.
    @Test func safetensorsHoldTheGoldenLastTokenStates() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prompts = Array(try ModelGoldens.shared.prompts.prefix(2))
        let texts = directory.appending(path: "texts.txt")
        try Data(prompts.map(\.text).joined(separator: "\n").utf8).write(to: texts)
        let out = directory.appending(path: "acts.safetensors")
        let result = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts.path, "--site", "resid_post",
                                          "--layers", "3-5", "--reduce", "index:-1", "--out", out.path, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summary = try #require(try result.json() as? [String: Any])
        #expect(summary["layers"] as? [Int] == [3, 4, 5] && summary["reduce"] as? String == "index:-1")
        #expect(summary["token_counts"] as? [Int] == prompts.map(\.tokens.count))

        let bytes = [UInt8](try Data(contentsOf: out))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + n])) as? [String: Any])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["token_counts"] == "[\(prompts.map { String($0.tokens.count) }.joined(separator: ","))]")
        #expect(try metadata["model_sha256"] == ModelGoldens.shared.model_sha256 && metadata["bos"] == "false" && metadata["chat_template"] == "none")
        let data = bytes[(8 + n)...]
        for layer in 3...5 {
            let entry = try #require(header["resid_post.\(layer)"] as? [String: Any])
            #expect(entry["dtype"] as? String == "F32" && entry["shape"] as? [Int] == [2, 576])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let rows = Self.floats(data[data.startIndex + offsets[0] ..< data.startIndex + offsets[1]])
            for (t, prompt) in prompts.enumerated() {
                let golden = try #require(prompt.reference_f32_weights.last_pos_hidden?["l_out-\(layer)"])
                let (relative, bad, first8, _) = golden.compare(rows[(t * 576)...].prefix(576))
                #expect(relative <= ModelTolerance.hiddenStateRelativeL2 && bad.isEmpty,
                        "\(prompt.id) l_out-\(layer): relative l2 error \(relative), first-8 values \(bad) off by up to \(first8)")
                print("veer capture: \(prompt.id) l_out-\(layer) vs F32 golden: relative l2 error \(relative), first-8 values \(first8)")
            }
        }
    }

    /// JSONL texts with --chat and reduce=none into a directory: one .npy per block with every token's row, and a
    /// meta.json saying how they were made.
    @Test func directoryHoldsNpyFilesAndMeta() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let texts = directory.appending(path: "texts.jsonl")
        try Data("{\"text\": \"What is 17 * 23?\"}\n\n{\"text\": \"Hi\"}\n".utf8).write(to: texts)
        let out = directory.appending(path: "acts").path + "/"
        let result = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts.path, "--site", "mlp_mid",
                                          "--layers", "0,29", "--reduce", "none", "--chat", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "meta.json"))) as? [String: Any])
        let counts = try #require(meta["token_counts"] as? [Int])
        #expect(counts.count == 2 && counts[0] > 10, "chat-wrapped texts carry the template's tokens: \(counts)")
        #expect(meta["texts"] as? Int == 2 && meta["texts_layout"] as? String == "jsonl" && meta["bos"] as? Bool == false)
        #expect((meta["chat_template"] as? String)?.hasPrefix("chatml") == true)
        #expect(meta["site"] as? String == "mlp_mid" && meta["layers"] as? [Int] == [0, 29] && meta["reduce"] as? String == "none")
        #expect(try meta["model_sha256"] as? String == ModelGoldens.shared.model_sha256)
        #expect(meta["shape"] as? [Int] == [counts.reduce(0, +), 1536])
        for layer in [0, 29] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "mlp_mid.\(layer).npy")))
            let length = Int(bytes[8]) | Int(bytes[9]) << 8
            let header = String(decoding: bytes[10 ..< 10 + length], as: UTF8.self)
            #expect(header.contains("'shape': (\(counts.reduce(0, +)), 1536)"), "\(header)")
            #expect(bytes.count == 10 + length + 4 * counts.reduce(0, +) * 1536)
        }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape)", out + "mlp_mid.29.npy"]
        let pipe = Pipe()
        python.standardOutput = pipe
        python.standardError = pipe
        if (try? python.run()) != nil {
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            python.waitUntilExit()
            if python.terminationStatus == 0 {
                #expect(output.contains("float32 (\(counts.reduce(0, +)), 1536)"), "numpy: \(output)")
            } else if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("python3 with numpy is required under CI: \(output)")
            } else {
                print("numpy check skipped: \(output.prefix(200))")
            }
        }
    }

    @Test func badLayersAndBadTextsAreNamed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let texts = directory.appending(path: "texts.jsonl")
        try Data("{\"text\": \"a\"}\n{\"txt\": \"b\"}\n".utf8).write(to: texts)
        let out = directory.appending(path: "x.safetensors").path
        let layers = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts.path, "--layers", "28-30", "--out", out])
        #expect(layers.status != 0)
        #expect(layers.stderr.contains("block 30 does not exist") && layers.stderr.contains("30 blocks"), "stderr: \(layers.stderr)")
        let line = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts.path, "--out", out])
        #expect(line.status != 0)
        #expect(line.stderr.contains("\(texts.path):2"), "stderr: \(line.stderr)")
        let reduce = try VeerProcess.run(["capture", "--texts", texts.path, "--reduce", "index:x", "--out", out])
        #expect(reduce.status != 0 && reduce.stderr.contains("index:K"), "stderr: \(reduce.stderr)")
        let format = try VeerProcess.run(["capture", "--texts", texts.path, "--out", directory.appending(path: "x.bin").path])
        #expect(format.status != 0 && format.stderr.contains(".safetensors"), "stderr: \(format.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
