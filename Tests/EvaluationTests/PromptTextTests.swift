import Testing
@testable import Evaluation

/// The Python string edits the protocols use, on inputs whose Python results are known (checked with CPython 3).
@Suite("Prompt text edits") struct PromptTextTests {
    @Test func hellaswagPreprocessMatchesPython() {
        // Python: preprocess(t) = re.sub("\\[.*?\\]", "", t.strip().replace(" [title]", ". ")).replace("  ", " ")
        let cases: [(String, String)] = [
            ("  Cooking: [header] How to cook [title] Boil water. [step] Wait.  ", "Cooking: How to cook. Boil water. Wait."),
            ("[title] Start here.", " Start here."),
            ("a [x\ny] b", "a [x\ny] b"),         // "." does not match a newline
            ("a [unclosed", "a [unclosed"),
            ("a [[b] c]", "a c]"),                 // non-greedy: the first "]" closes
            ("x    y", "x  y"),                    // one left-to-right pass, as str.replace
            ("no markers", "no markers"),
        ]
        for (input, expected) in cases { #expect(HellaSwagReader.preprocess(input) == expected, "\(input)") }
    }

    @Test func pythonStringEditsWorkOnScalars() {
        #expect(" \t\nabc \u{00A0}".strippedLikePython == "abc")
        #expect("   ".strippedLikePython == "")
        #expect("aaaa".replacingLikePython("aa", with: "b") == "bb")
        #expect("aaa".replacingLikePython("aa", with: "b") == "ba")
        // A combining mark after "]" does not hide the marker (it would as one Swift Character).
        #expect("x [title]\u{0301}y".replacingLikePython(" [title]", with: ". ") == "x. \u{0301}y")
        #expect("The driver".lowercasingFirstLikePython == "the driver")
        #expect("I left.".lowercasingFirstLikePython == "i left.")
        #expect("".lowercasingFirstLikePython == "")
    }
}
