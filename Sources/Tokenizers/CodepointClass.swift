/// The three character classes the pre-tokenizer regexes ask about: `\p{L}` (letters: Lu Ll Lt Lm Lo), `\p{N}`
/// (numbers: Nd Nl No) and `\s` (Unicode White_Space, the set llama.cpp uses: tab...CR, space, U+0085, U+00A0,
/// U+1680, U+2000...U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). Everything else (marks, punctuation, symbols,
/// controls, unassigned) is "other", which `[^\s\p{L}\p{N}]` matches.
///
/// The categories come from the Swift standard library's Unicode tables; llama.cpp generates its own from a fixed
/// Unicode version, so a character assigned in a later version than llama.cpp's may be classed differently.
struct CodepointClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = CodepointClass(rawValue: 1)
    static let number = CodepointClass(rawValue: 2)
    static let whitespace = CodepointClass(rawValue: 4)

    /// Letter, number or whitespace: what `[^\s\p{L}\p{N}]` excludes.
    static let word: CodepointClass = [.letter, .number, .whitespace]

    static func of(_ codepoint: UInt32) -> CodepointClass {
        if codepoint < 0x1_0000 { return CodepointClass(rawValue: basicPlane[Int(codepoint)]) }
        return compute(codepoint)
    }

    /// The Basic Multilingual Plane precomputed (64 KiB, built on first use): almost all text is there.
    private static let basicPlane: [UInt8] = (0..<0x1_0000).map { compute(UInt32($0)).rawValue }

    private static func compute(_ codepoint: UInt32) -> CodepointClass {
        // Surrogates and values past U+10FFFF are not scalars; they never come from a Swift String.
        guard let scalar = Unicode.Scalar(codepoint) else { return [] }
        var result: CodepointClass = []
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        default:
            break
        }
        if scalar.properties.isWhitespace { result.insert(.whitespace) }
        return result
    }
}
