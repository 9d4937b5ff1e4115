import Foundation
import Testing
import TestSupport

/// `--steer FILE.json[:S]`: a spec steers as the vector file it was taken from, S multiplies every method's
/// strength, specs compose with vector files, the run says what each entry is, and bad specs or entries that
/// conflict fail before any work, naming entry and key. `veer vector convert` turns vector files into specs.
@Suite("veer --steer FILE.json", .enabled(if: ModelFixture.enabled))
struct SteerSpecCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    static var happy: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }

    func spec(_ id: String) throws -> String { try SteerSpecGoldenCLITests.writeSpec(id, in: scratch.url) }

    /// A spec of golden configuration `id` with `change` applied to its object, written as `name`.
    func spec(_ id: String, named name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        let original = try spec(id)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: original))) as? [String: Any])
        change(&object)
        let path = scratch.url.appending(path: name)
        try JSONSerialization.data(withJSONObject: object).write(to: path)
        return path.path
    }

    static func top(_ json: [String: Any]) -> [[Double]]? { json["top"] as? [[Double]] }
    static func entries(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(VeerProcess.steeringManifest(json)?["entries"] as? [[String: Any]])
    }

    /// additive_l12_s4 is direction.12 of cvector-happy.gguf at s = 4: the spec at :0.5 is the file at :2 on block 12,
    /// bit for bit, and the run names the entry, its method, strength and blocks.
    @Test func aSpecSteersAsItsVectorFileAndSScalesS() throws {
        let spec = try spec("additive_l12_s4")
        let (result, json) = try VeerProcess.logitsJSON(["--steer", "\(spec):0.5"])
        let file = try VeerProcess.logitsJSON(["--steer", "\(try Self.happy):2", "--layers", "12"]).json
        #expect(Self.top(json) != nil && Self.top(json) == Self.top(file))
        #expect(result.stderr.contains("steering: additive additive_l12_s4.json entry 0 (id additive_l12_s4) at strength 2 on block 12 of its 12; positions all (steered-persist)"),
                "stderr: \(result.stderr)")
        let entry = try #require(try Self.entries(json).first)
        #expect(entry["method"] as? String == "additive" && entry["strength"] as? Double == 2 && entry["blocks"] as? [Int] == [12])
        #expect(entry["positions"] as? String == "all" && (entry["name"] as? String)?.hasSuffix("additive_l12_s4.json entry 0 (id additive_l12_s4)") == true)
        let vector = try #require(try VeerProcess.steeredVectors(json).first)
        #expect(vector["format"] as? String == "json" && vector["strength"] as? Double == 0.5 && vector["blocks"] as? [Int] == [12])
    }

    /// A spec and a vector file compose: 4·v from the spec and −4·v from the file cancel exactly.
    @Test func specsComposeWithVectorFiles() throws {
        let plain = try VeerProcess.logitsJSON([]).json
        let (result, json) = try VeerProcess.logitsJSON(["--steer", try spec("additive_l12_s4"), "--steer", "\(try Self.happy):-4", "--layers", "12"])
        #expect(Self.top(json) == Self.top(plain))
        #expect(try Self.entries(json).map { $0["method"] as? String } == ["additive", "additive"])
        #expect(result.stderr.contains("; additive cvector-happy.gguf at strength -4 on block 12 of its 1-29;"), "stderr: \(result.stderr)")
    }

    /// S multiplies AUSteer's and ITI's alpha and Spherical's alpha: alpha 20 at :3 is the alpha-60 configuration,
    /// and :0 of every method is the unsteered run.
    @Test func strengthScalesEveryMethod() throws {
        let tripled = try VeerProcess.logitsJSON(["--steer", "\(try spec("austeer_mlp_out_k16_seed1234_a20")):3"]).json
        let sixty = try VeerProcess.logitsJSON(["--steer", try spec("austeer_mlp_out_k16_seed1234_a60")]).json
        #expect(Self.top(tripled) != nil && Self.top(tripled) == Self.top(sixty))
        #expect(try Self.entries(tripled).first?["strength"] as? Double == 60)
        let plain = try VeerProcess.logitsJSON([]).json
        for id in ["spherical_l15_k20_a0.6_b-0.05", "iti_l12_h1-4-7_seed99_a8"] {
            let (result, zero) = try VeerProcess.logitsJSON(["--steer", "\(try spec(id)):0"])
            #expect(Self.top(zero) == Self.top(plain), "\(id) at strength 0")
            #expect(result.stderr.contains("warning: every strength is 0: this run is not steered"), "stderr: \(result.stderr)")
        }
        let doubled = try VeerProcess.logitsJSON(["--steer", "\(try spec("spherical_l15_ungated_t0.5")):2"]).json
        #expect(try Self.entries(doubled).first.map { $0["method"] as? String == "spherical" && $0["strength"] as? Double == 1 } == true)
    }

    /// Entries that state different positions are an error naming both unless --positions chooses.
    @Test func disagreeingPositionsNeedThePositionsOption() throws {
        let all = try spec("additive_l12_s4")
        let prompt = try spec("spherical_l15_k20_a0.6_b-0.05", named: "prompt.json") { $0["positions"] = "prompt" }
        let refused = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", all, "--steer", prompt, "Hi"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("additive_l12_s4.json entry 0 (id additive_l12_s4) steers positions all but \(prompt) entry 0 (id spherical_l15_k20_a0.6_b-0.05) steers prompt"),
                "stderr: \(refused.stderr)")
        let chosen = try VeerProcess.logitsJSON(["--steer", all, "--steer", prompt, "--positions", "all"]).json
        #expect(VeerProcess.steeringManifest(chosen)?["positions"] as? String == "all")
        #expect(try Self.entries(chosen).map { $0["positions"] as? String } == ["all", "prompt"])
    }

    /// A malformed spec, or entries that cannot compose, fail with the entry and the key or both entries.
    @Test func badSpecsNameTheEntryAndKey() throws {
        let headDim = try spec("iti_l12_h1-4-7_seed99_a8", named: "heads.json") { $0["head_dim"] = 32 }
        let result = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", headDim, "Hi"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(headDim) entry 0 (id iti_l12_h1-4-7_seed99_a8): key \"head_dim\": is 32 but the heads of"),
                "stderr: \(result.stderr)")
        let typo = try spec("spherical_l15_k20_a0.6_b-0.05", named: "typo.json") { object in
            let kappa = object.removeValue(forKey: "kappa")
            object["kapa"] = kappa
        }
        let unknown = try VeerProcess.run(["generate", "--backend", "cpu", "-n", "1", "--steer", typo, "Hi"])
        #expect(unknown.status != 0 && unknown.stderr.contains("key \"kapa\": unknown key for method spherical"), "stderr: \(unknown.stderr)")
        let second = try spec("spherical_l15_ungated_t0.5")
        let twice = try VeerProcess.run(["logits", "--backend", "cpu", "--steer", try spec("spherical_l15_k20_a0.6_b-0.05"), "--steer", second, "Hi"])
        #expect(twice.status != 0 && twice.stderr.contains("both rotate resid_post of block 15"), "stderr: \(twice.stderr)")
    }

    /// `veer vector convert FILE.gguf --out F.json` writes a spec (one additive entry per block) that steers exactly
    /// as the file.
    @Test func vectorFilesConvertToSpecs() throws {
        let out = scratch.url.appending(path: "happy.json").path
        let convert = try VeerProcess.run(["vector", "convert", try Self.happy, "--out", out])
        #expect(convert.status == 0 && convert.stdout == "\(out)\n", "stderr: \(convert.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]])
        #expect(written.map { $0["layer"] as? Int } == Array(1...29) && written.allSatisfy { $0["method"] as? String == "additive" })
        let fromSpec = try VeerProcess.logitsJSON(["--steer", "\(out):4", "--layers", "10-14"]).json
        let fromFile = try VeerProcess.logitsJSON(["--steer", "\(try Self.happy):4", "--layers", "10-14"]).json
        #expect(Self.top(fromSpec) != nil && Self.top(fromSpec) == Self.top(fromFile))
    }

    /// `veer vector convert spec.json --out F.gguf` writes the method's vector file (rotate, scale_units, an add at
    /// heads_concat) that steers exactly as the spec, and the file converts back to a spec that steers the same.
    @Test(arguments: ["spherical_l15_k20_a0.6_b-0.05", "spherical_l15_ungated_t0.5", "austeer_mlp_out_k16_seed1234_a20",
                      "iti_l12_h1-4-7_seed99_a8"])
    func specsConvertToVectorFilesAndBack(_ id: String) throws {
        let spec = try spec(id)
        let file = scratch.url.appending(path: "\(id).gguf").path, back = scratch.url.appending(path: "\(id)-back.json").path
        for (input, output) in [(spec, file), (file, back)] {
            let convert = try VeerProcess.run(["vector", "convert", input, "--out", output])
            #expect(convert.status == 0 && convert.stdout == "\(output)\n", "stderr: \(convert.stderr)")
        }
        let fromSpec = try VeerProcess.logitsJSON(["--steer", spec]).json
        for converted in [file, back] {
            let json = try VeerProcess.logitsJSON(["--steer", converted]).json
            #expect(Self.top(json) != nil && Self.top(json) == Self.top(fromSpec), "\(converted)")
            let (ours, theirs) = (try Self.entries(json)[0], try Self.entries(fromSpec)[0])
            for key in ["method", "blocks", "positions"] { #expect("\(ours[key] ?? "nil")" == "\(theirs[key] ?? "nil")", "\(converted): \(key)") }
            #expect(ours["strength"] as? Double == theirs["strength"] as? Double, "\(converted): strength")
        }
    }

    /// A list of entries of two methods is one spec but cannot be one vector file: converting it to a file is an
    /// error naming both entries and leaves nothing behind; converting it to a spec keeps both.
    @Test func aSpecOfTwoMethodsIsNotOneVectorFile() throws {
        let list = scratch.url.appending(path: "two.json")
        let objects = try [spec("additive_l12_s4"), spec("iti_l12_h1-4-7_seed99_a8")].map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0)))
        }
        try JSONSerialization.data(withJSONObject: objects).write(to: list)
        let file = scratch.url.appending(path: "two.gguf").path
        let refused = try VeerProcess.run(["vector", "convert", list.path, "--out", file])
        #expect(refused.status != 0 && refused.stderr.contains("entry 0 (id additive_l12_s4) is additive but")
                && refused.stderr.contains("entry 1 (id iti_l12_h1-4-7_seed99_a8) is iti"), "stderr: \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file))
        let copy = scratch.url.appending(path: "copy.json").path
        #expect(try VeerProcess.run(["vector", "convert", list.path, "--out", copy]).status == 0)
        let both = try VeerProcess.logitsJSON(["--steer", list.path]).json
        let copied = try VeerProcess.logitsJSON(["--steer", copy]).json
        #expect(Self.top(both) != nil && Self.top(copied) == Self.top(both))
    }

    /// An additive spec entry that swamps the residual stream is warned about as a vector file is; a rotation keeps
    /// the norm whatever its alpha (t is clamped to 1), so mu at 1e5 is no added vector of norm 1e5.
    @Test func swampingStrengthsOfSpecsAreWarned() throws {
        let spec = try spec("additive_l12_s4")
        // The residual norm at block 12 on this prompt is about 4.7e3: s = 4e5 is over 10x, s = 4e3 is not.
        let strong = try VeerProcess.logitsJSON(["--steer", "\(spec):1e5"]).result
        #expect(strong.stderr.contains("warning: \(spec) entry 0 (id additive_l12_s4) at strength 400000.0 adds a vector of norm 4e+05 at block 12")
                && strong.stderr.contains("measured on this prompt"), "stderr: \(strong.stderr)")
        let usual = try VeerProcess.logitsJSON(["--steer", "\(spec):1000"]).result
        #expect(!usual.stderr.contains("adds a vector"), "stderr: \(usual.stderr)")
        let rotation = try VeerProcess.logitsJSON(["--steer", "\(try self.spec("spherical_l10_k20_a1.0_b-1.0")):1e5"]).result
        #expect(!rotation.stderr.contains("adds a vector"), "stderr: \(rotation.stderr)")
    }
}
