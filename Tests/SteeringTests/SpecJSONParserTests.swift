import Foundation
import Steering
import Testing

/// The spec reader's JSON: every JSON type lands in its own case, a key twice in one object is refused (Foundation's
/// decoders keep one of the two silently), and syntax errors say line and column.
@Suite("JSON steering spec syntax")
struct SpecJSONParserTests {
    typealias F = SpecFixtures

    @Test func aKeyGivenTwiceIsAnErrorNamingIt() throws {
        let error = try #require(F.specError { try F.parse(text: "{\"method\": \"additive\",\n \"s\": 1, \"s\": 2}") })
        #expect(error.entry == "spec.json" && error.problem == "not valid JSON: line 2, column 10: key \"s\" appears twice in one object",
                "\(error)")
        let nested = F.specError { try F.parse(text: #"{"heads": [{"head": 1, "head": 2}]}"#) }
        #expect(nested?.problem.contains("key \"head\" appears twice") == true, "\(String(describing: nested))")
    }

    /// Escapes, surrogate pairs, UTF-8, exponents and nesting read as JSON defines them: the `id` comes back intact
    /// and the numbers exactly.
    @Test func stringsAndNumbersReadExactly() throws {
        var object = F.entries["additive"]!
        object["v"] = [1e-3, -2.5E+2, 0, -0.0, 12, 0.11395778506994247, 3e-45, 1.5e10]
        let text = String(decoding: try F.text(object), as: UTF8.self)
            .replacingOccurrences(of: "\"id\":\"add\"", with: #""id":"a\"b\\c\/d\u00e9\ud83d\ude00 é\n""#)
        let spec = try F.parse(text: text)
        #expect(spec.entries[0].id == "a\"b\\c/dé😀 é\n")
        guard case .add(_, _, let v) = spec.steeringEntries[0].interventions[0] else { Issue.record("an add"); return }
        #expect(v == [Float(1e-3), -250, 0, -0.0, 12, Float(0.11395778506994247), Float(3e-45), 1.5e10])
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1, column 9: expected a key in quotes"),
        ("[1 2]", "line 1, column 4: expected ',' or ']' in a list"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after the key"),
        ("[01]", "line 1, column 3: expected ',' or ']' in a list"),
        ("[1.]", "line 1, column 4: expected a digit after the decimal point"),
        ("[1e400]", "line 1, column 2: the number 1e400 is out of range"),
        ("[\"a\tb\"]", "line 1, column 4: a control character inside a string must be escaped"),
        ("[\"\\x\"]", "line 1, column 4: unknown escape \\x"),
        ("[\"\\ud800\"]", "line 1, column 9: a high surrogate must be followed by a low one"),
        ("[tru]", "line 1, column 2: expected true"),
        ("[NaN]", "line 1, column 2: expected a value (an object, list, string, number, true, false or null)"),
        ("{}\n{}", "line 2, column 1: unexpected text after the document"),
        ("[\"abc", "line 1, column 6: unexpected end of the text inside a string"),
        ("", "line 1, column 1: unexpected end of the text, expected a value"),
    ])
    func syntaxErrorsSayWhere(_ text: String, _ expected: String) throws {
        let error = try #require(F.specError { try F.parse(text: text) }, "\(text.debugDescription): accepted")
        #expect(error.problem == "not valid JSON: \(expected)", "\(text.debugDescription): \(error)")
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(F.specError { try F.parse(text: deep) })
        #expect(error.problem.contains("nesting deeper than 256 levels"), "\(error)")
    }

    @Test func invalidUTF8IsAnError() throws {
        var data = Data("[\"".utf8)
        data.append(contentsOf: [0xC3, 0x28])
        data.append(contentsOf: Array("\"]".utf8))
        let error = F.specError { try SteeringSpec(data: data, file: "spec.json", model: F.model) }
        #expect(error?.problem == "not valid JSON: line 1, column 5: the string is not valid UTF-8", "\(String(describing: error))")
    }
}
