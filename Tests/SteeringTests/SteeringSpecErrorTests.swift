import Foundation
import Steering
import Testing

/// Every malformed spec is an error naming the entry and the key: each key missing, each of the wrong type, unknown
/// keys, sites a method cannot edit, values that do not fit the model, and the rules between keys.
@Suite("JSON steering spec errors")
struct SteeringSpecErrorTests {
    typealias F = SpecFixtures

    /// The keys without which each fixture entry is incomplete.
    static let required: [String: [String]] = [
        "additive": ["method", "site", "layer", "s", "v"],
        "spherical": ["method", "site", "layer", "gated", "mu", "alpha", "kappa", "beta"],
        "ungated": ["method", "site", "layer", "gated", "mu", "alpha"],
        "austeer": ["method", "site", "alpha", "units"],
        "iti": ["method", "site", "layer", "alpha", "head_dim", "heads"],
    ]

    static var missingCases: [String] { required.flatMap { fixture, keys in keys.map { "\(fixture) \($0)" } }.sorted() }

    @Test(arguments: missingCases)
    func eachMissingKeyIsNamed(_ testCase: String) throws {
        let (fixture, key) = Self.split(testCase)
        var object = F.entries[fixture]!
        object[key] = nil
        let error = try #require(F.specError { try F.parse(object) }, "\(testCase): no spec error")
        #expect(error.key == key && error.problem.hasPrefix("missing"), "\(error)")
        #expect(error.entry == "spec.json entry 0 (id \(object["id"]!))", "\(error)")
    }

    /// Every key of every fixture but the null kappa and beta of the ungated one (`valueCases` gives them values).
    static var typeCases: [String] {
        F.entries.flatMap { fixture, object in object.filter { !($0.value is NSNull) }.keys.map { "\(fixture) \($0)" } }.sorted()
    }

    /// Each key given a value of another JSON type (a string for a number, a number for a string or a boolean, an
    /// object for a list, true for a number) is an error naming it.
    @Test(arguments: typeCases)
    func eachKeyOfTheWrongTypeIsNamed(_ testCase: String) throws {
        let (fixture, key) = Self.split(testCase)
        var object = F.entries[fixture]!
        let original = object[key]!
        object[key] = original is String ? 3 as Any : original is [Any] ? ["x": 1] as Any : original is Bool ? 1 as Any : "x" as Any
        let error = try #require(F.specError { try F.parse(object) }, "\(testCase): no spec error")
        #expect(error.key == key, "\(error)")
        #expect(error.problem.hasPrefix("expected"), "\(error)")
        if key != "method" && key != "id" {
            #expect(error.entry == "spec.json entry 0 (id \(object["id"]!))", "\(error)")
        }
        let boolean = object.merging([key: true]) { $1 }
        if !(original is Bool) {
            #expect(F.specError { try F.parse(boolean) }?.key == key, "\(testCase): true accepted")
        }
    }

    static func split(_ testCase: String) -> (String, String) {
        let parts = testCase.split(separator: " ")
        return (String(parts[0]), String(parts[1]))
    }

    /// One malformed entry per case: (what is changed, the key the error must name, a phrase of its problem).
    static var valueCases: [(name: String, fixture: String, change: [String: Any], key: String, phrase: String)] { [
        ("unknown key", "spherical", ["kapa": 20], "kapa", "unknown key for method spherical"),
        ("key of another method", "additive", ["alpha": 2], "alpha", "unknown key for method additive"),
        ("unknown method", "additive", ["method": "steer"], "method", "is not a method"),
        ("unknown site", "additive", ["site": "resid_pre"], "site", "is not a site"),
        ("spherical at mlp_out", "spherical", ["site": "mlp_out"], "site", "spherical edits resid_post, not mlp_out"),
        ("iti at resid_post", "iti", ["site": "resid_post"], "site", "iti edits heads_concat, not resid_post"),
        ("austeer at resid_pre", "austeer", ["site": "attn_out"], "site", "expected mlp_out or heads_concat or resid_post"),
        ("t differs from alpha", "ungated", ["t": 0.4], "t", "but alpha is 0.5"),
        ("t on a gated rotation", "spherical", ["t": 0.6], "t", "applies to an ungated rotation"),
        ("kappa on an ungated rotation", "ungated", ["kappa": 20], "kappa", "must be null or absent when gated is false"),
        ("beta out of range", "spherical", ["beta": 1], "beta", "outside [-1, 1)"),
        ("mu not unit", "spherical", ["mu": [1, 1, 0, 0, 0, 0, 0, 0]], "mu", "expected a unit vector"),
        ("mu too short", "ungated", ["mu": [1, 0, 0]], "mu", "has 3 values, expected 8 (the width of resid_post in tiny.gguf)"),
        ("v too long", "additive", ["v": [Double](repeating: 0, count: 9)], "v", "has 9 values, expected 8"),
        ("a value of v not a number", "additive", ["v": [0, 0, "x", 0, 0, 0, 0, 0]], "v[2]", "expected a number"),
        ("layer outside the model", "additive", ["layer": 4], "layer", "4 is outside the blocks 0...3 of tiny.gguf"),
        ("layer not whole", "iti", ["layer": 1.5], "layer", "expected a whole number"),
        ("s too large for float32", "additive", ["s": 1e39], "s", "does not fit in float32"),
        ("head_dim of another model", "iti", ["head_dim": 8], "head_dim", "is 8 but the heads of tiny.gguf are 4 wide"),
        ("head outside the model", "iti", ["heads": [["head": 2, "sigma": 1, "theta": [1, 0, 0, 0]]]], "heads[0].head", "outside the heads 0...1"),
        ("theta of the wrong width", "iti", ["heads": [["head": 0, "sigma": 1, "theta": [1, 0]]]], "heads[0].theta", "has 2 values, expected 4 (head_dim)"),
        ("head listed twice", "iti", ["heads": [["head": 0, "sigma": 1, "theta": [1, 0, 0, 0]], ["head": 0, "sigma": 1, "theta": [0, 1, 0, 0]]]],
         "heads[1]", "edits head 0 again (heads[0]"),
        ("unknown key in a head", "iti", ["heads": [["head": 0, "sigma": 1, "theta": [1, 0, 0, 0], "mu": 1]]], "heads[0].mu", "unknown key for a head"),
        ("sigma missing", "iti", ["heads": [["head": 0, "theta": [1, 0, 0, 0]]]], "heads[0].sigma", "missing"),
        ("no heads", "iti", ["heads": [Any]()], "heads", "is empty"),
        ("a head not an object", "iti", ["heads": [3]], "heads[0]", "expected an object, found the number 3"),
        ("unit outside the site", "austeer", ["units": [["layer": 1, "dim": 8, "b": 1]], "k": 1], "units[0].dim", "outside the mlp_out units 0...7"),
        ("unit layer outside the model", "austeer", ["units": [["layer": 9, "dim": 1, "b": 1]], "k": 1], "units[0].layer", "outside the blocks 0...3"),
        ("unit listed twice", "austeer", ["units": [["layer": 1, "dim": 1, "b": 1], ["layer": 1, "dim": 1, "b": 2]], "k": 2], "units[1]",
         "scales layer 1 dim 1 again (units[0] does already)"),
        ("unknown key in a unit", "austeer", ["units": [["layer": 1, "dim": 1, "b": 1, "alpha": 2]], "k": 1], "units[0].alpha", "unknown key for a unit"),
        ("b missing", "austeer", ["units": [["layer": 1, "dim": 1]], "k": 1], "units[0].b", "missing"),
        ("k not the unit count", "austeer", ["k": 4], "k", "is 4 but units lists 3 units"),
        ("k negative", "austeer", ["k": -1], "k", "outside the counts >= 0"),
        ("positions not a policy", "additive", ["positions": "sometimes"], "positions", "is not a position policy; expected all, prompt"),
        ("gated a number", "spherical", ["gated": 1], "gated", "expected true or false, found the number 1"),
        ("note a number", "additive", ["note": 1], "note", "expected a string"),
    ] }

    @Test(arguments: valueCases.map(\.name))
    func malformedValuesNameTheKey(_ name: String) throws {
        let testCase = Self.valueCases.first { $0.name == name }!
        let object = F.entries[testCase.fixture]!.merging(testCase.change) { $1 }
        let error = try #require(F.specError { try F.parse([F.entries["additive"]!, object]) }, "\(name): no spec error")
        #expect(error.key == testCase.key, "\(name): \(error)")
        #expect(error.problem.contains(testCase.phrase), "\(name): \(error)")
        if testCase.key != "method" {
            #expect(error.entry == "spec.json entry 1 (id \(object["id"]!))", "\(name): \(error)")
        }
    }

    /// Problems of the file as a whole name the file.
    @Test func malformedFilesNameTheFile() throws {
        let cases: [(String, String)] = [
            ("{\"method\": ", "not valid JSON"), ("3", "expected an object or a list of objects, found the number 3"),
            ("[]", "the list has no entries"),
        ]
        for (text, phrase) in cases {
            let error = try #require(F.specError { try F.parse(text: text) }, "\(text): no spec error")
            #expect(error.entry == "spec.json" && error.key == nil && error.problem.contains(phrase), "\(error)")
        }
        let notObject = try #require(F.specError { try F.parse([F.entries["additive"]!, "x"]) })
        #expect(notObject.description == "spec.json entry 1: expected an object, found the string \"x\"")
        let missingFile = try #require(F.specError { try SteeringSpec(path: "/nonexistent/spec.json", model: F.model) })
        #expect(missingFile.entry == "/nonexistent/spec.json" && missingFile.problem.hasPrefix("cannot read the file"))
    }

    /// The message reads as one line naming entry, key and problem.
    @Test func theMessageNamesEntryKeyAndProblem() throws {
        var object = F.entries["spherical"]!
        object["kappa"] = NSNull()
        let error = try #require(F.specError { try F.parse(object) })
        #expect(error.description == "spec.json entry 0 (id rot): key \"kappa\": expected a number, found null")
    }
}
