import Foundation
import GGUF
import Testing

/// `veer vector` on method files (format version 2), written here with GGUFWriter as docs/vector-format.md lays
/// them out: a gated Spherical file, an AUSteer file and an ITI file.
@Suite("veer vector on method files")
struct VectorMethodCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func path(_ name: String) -> String { scratch.url.appending(path: name).path }

    func write(_ name: String, operation: String, site: String, keys: [(String, GGUFValue)], tensors: [(String, [Float])]) throws -> String {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("controlvector"))
        writer.set("controlvector.model_hint", .string("llama"))
        writer.set("controlvector.layer_count", .int32(3))
        writer.set("veer.format_version", .uint32(2))
        writer.set("veer.operation", .string(operation))
        writer.set("veer.site", .string(site))
        for (key, value) in keys { writer.set(key, value) }
        for (tensor, values) in tensors { try writer.addTensor(name: tensor, shape: [values.count], values: values) }
        let file = path(name)
        try writer.write(to: file)
        return file
    }

    func spherical() throws -> String {
        try write("spherical.gguf", operation: "rotate", site: "resid_post",
                  keys: [("veer.method", .string("spherical")), ("veer.positions", .string("from:prompt-end")),
                         ("veer.strength", .float32(0.5)), ("veer.spherical.gated", .bool(true)),
                         ("veer.spherical.kappa", .float32(10)), ("veer.spherical.beta", .float32(-0.25))],
                  tensors: [("veer.mu.2", [0.6, 0.8, 0, 0]), ("veer.mu.3", [0, 0, -0.8, 0.6])])
    }

    func austeer() throws -> String {
        try write("austeer.gguf", operation: "scale_units", site: "mlp_out",
                  keys: [("veer.method", .string("austeer")), ("veer.strength", .float32(20)), ("veer.austeer.k", .uint32(3))],
                  tensors: [("veer.units.1", [0, 0.75, 0, -0.5]), ("veer.units.3", [1, 0, 0, 0])])
    }

    func iti() throws -> String {
        try write("iti.gguf", operation: "add", site: "heads_concat",
                  keys: [("veer.method", .string("iti")), ("veer.positions", .string("from:answer-start")),
                         ("veer.strength", .float32(15))],
                  tensors: [("veer.direction.2", [0, 0, 3, -4, 0, 0])])
    }

    func infoJSON(_ file: String) throws -> [String: Any] {
        let result = try VeerProcess.run(["vector", "info", "--json", file])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try result.json() as? [String: Any])
    }

    @Test func infoShowsASphericalFilesGateStrengthAndPositions() throws {
        let file = try spherical()
        let text = try VeerProcess.run(["vector", "info", file])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        for expected in ["rotate at resid_post", "spherical", "from:prompt-end", "0.5", "gated, kappa 10.0, beta -0.25", "2 blocks: 2-3"] {
            #expect(text.stdout.contains(expected), "missing '\(expected)' in: \(text.stdout)")
        }
        let json = try infoJSON(file)
        #expect(json["operation"] as? String == "rotate" && json["steering_method"] as? String == "spherical")
        #expect(json["steered_positions"] as? String == "from:prompt-end" && json["strength"] as? Double == 0.5)
        let gate = try #require(json["gate"] as? [String: Any])
        #expect(gate["gated"] as? Bool == true && gate["kappa"] as? Double == 10 && gate["beta"] as? Double == -0.25)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["block"] as? Int } == [2, 3])
        #expect(blocks.allSatisfy { abs(($0["direction_norm"] as? Double ?? 0) - 1) < 1e-6 })
    }

    @Test func infoListsTheScaledUnitsOfEachBlock() throws {
        let file = try austeer()
        let text = try VeerProcess.run(["vector", "info", file])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        for expected in ["scale_units at mlp_out", "austeer", "k = 3", "units  indices", "1,3"] {
            #expect(text.stdout.contains(expected), "missing '\(expected)' in: \(text.stdout)")
        }
        let json = try infoJSON(file)
        #expect(json["selected_unit_count"] as? Int == 3 && json["effective_positions"] as? String == "all")
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["units"] as? Int } == [2, 1])
        #expect(blocks.map { $0["unit_indices"] as? [Int] } == [[1, 3], [0]])
    }

    @Test func infoShowsAnItiFileAtTheHeads() throws {
        let json = try infoJSON(try iti())
        #expect(json["site"] as? String == "heads_concat" && json["width"] as? Int == 6)
        #expect(json["steering_method"] as? String == "iti" && json["strength"] as? Double == 15)
        #expect(json["steered_positions"] as? String == "from:answer-start" && json["gate"] == nil)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.first?["direction_norm"] as? Double == 5 && blocks.first?["units"] == nil)
    }

    /// A file without veer.method gets the method its operation implies and that method's default positions.
    @Test func infoSaysWhatAnUnstatedMethodImplies() throws {
        let file = try write("bare.gguf", operation: "rotate", site: "resid_post", keys: [("veer.spherical.gated", .bool(false))],
                             tensors: [("veer.mu.1", [1, 0, 0, 0])])
        let text = try VeerProcess.run(["vector", "info", file])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        for expected in ["spherical (implied by the operation)", "from:prompt-end (the method's default)", "1 (absent)", "ungated"] {
            #expect(text.stdout.contains(expected), "missing '\(expected)' in: \(text.stdout)")
        }
    }

    /// scale multiplies a rotate or scale_units file's veer.strength and keeps its data; an ITI (add) file's
    /// directions are scaled as every add file's are, its strength kept.
    @Test func scaleMultipliesTheStrengthOfRotateAndScaleUnitsFiles() throws {
        for (file, strength) in [(try spherical(), 0.5), (try austeer(), 20.0)] {
            let out = path("scaled-" + URL(fileURLWithPath: file).lastPathComponent)
            let result = try VeerProcess.run(["vector", "scale", file, "--by", "-2", "--out", out])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let before = try infoJSON(file), after = try infoJSON(out)
            #expect(after["strength"] as? Double == -2 * strength)
            #expect((after["blocks"] as? [[String: Any]])?.map { $0["direction_norm"] as? Double }
                    == (before["blocks"] as? [[String: Any]])?.map { $0["direction_norm"] as? Double })
        }
        let out = path("scaled-iti.gguf")
        #expect(try VeerProcess.run(["vector", "scale", try iti(), "--by", "2", "--out", out]).status == 0)
        let scaled = try infoJSON(out)
        #expect(scaled["strength"] as? Double == 15)
        #expect((scaled["blocks"] as? [[String: Any]])?.first?["direction_norm"] as? Double == 10)
    }

    @Test func addAndNormalizeRefuseRotateAndScaleUnitsFiles() throws {
        for file in [try spherical(), try austeer()] {
            let sum = try VeerProcess.run(["vector", "add", file, file, "--out", path("sum.gguf")])
            #expect(sum.status != 0 && sum.stderr.contains("only add vectors can be summed"), "stderr: \(sum.stderr)")
            let unit = try VeerProcess.run(["vector", "normalize", file, "--out", path("unit.gguf")])
            #expect(unit.status != 0 && unit.stderr.contains("veer.operation") && unit.stderr.contains(file), "stderr: \(unit.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: path("sum.gguf")) && !FileManager.default.fileExists(atPath: path("unit.gguf")))
    }

    /// convert rewrites a method file as Veer writes it, every key kept.
    @Test func convertKeepsAMethodFile() throws {
        let file = try spherical()
        let out = path("converted.gguf")
        let result = try VeerProcess.run(["vector", "convert", file, "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("llama.cpp will refuse"), "stderr: \(result.stderr)")
        let before = try infoJSON(file), after = try infoJSON(out)
        for key in ["operation", "steering_method", "steered_positions", "strength", "width"] {
            #expect("\(before[key] ?? "nil")" == "\(after[key] ?? "nil")", "\(key)")
        }
        let gate = try #require(after["gate"] as? [String: Any])
        #expect(gate["gated"] as? Bool == true && gate["kappa"] as? Double == 10 && gate["beta"] as? Double == -0.25)
    }

    @Test func malformedMethodKeyIsAClearError() throws {
        let file = try write("bad.gguf", operation: "rotate", site: "resid_post",
                             keys: [("veer.spherical.gated", .bool(true)), ("veer.spherical.kappa", .float32(1)),
                                    ("veer.spherical.beta", .float32(1.5))],
                             tensors: [("veer.mu.1", [1, 0, 0, 0])])
        let result = try VeerProcess.run(["vector", "info", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains(file) && result.stderr.contains("veer.spherical.beta") && result.stderr.contains("[-1, 1)"),
                "stderr: \(result.stderr)")
    }
}
