import Foundation

/// Prompt files as llama.cpp's cvector-generator reads them (`ctrlvec_load_prompt_file` and common's
/// `string_process_escapes`, tools/cvector-generator/cvector-generator.cpp and common/common.cpp).
public enum LlamaCppPromptFile {
    /// One prompt per line (split at "\n" only, so a "\r" stays), empty lines skipped, escapes processed.
    public static func load(path: String) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExtractionError.unreadable(file: path, reason: error.localizedDescription)
        }
        return [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: true).map {
            String(decoding: processEscapes(Array($0)), as: UTF8.self)
        }
    }

    /// `string_process_escapes`: \n \r \t \' \" \\ and \xHH become the byte they name; any other backslash pair,
    /// and a backslash at the very end, stay as written.
    public static func processEscapes(_ text: String) -> String {
        String(decoding: processEscapes(Array(text.utf8)), as: UTF8.self)
    }

    static func processEscapes(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            guard input[i] == UInt8(ascii: "\\"), i + 1 < input.count else {
                output.append(input[i]); i += 1; continue
            }
            let next = input[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(next)
            case UInt8(ascii: "x") where i + 1 < input.count && strtolConsumesBoth(input[i], input[i + 1]):
                output.append(UInt8(truncatingIfNeeded: strtolValue(input[i], input[i + 1])))
                i += 2
            default:
                output.append(UInt8(ascii: "\\")); output.append(next)
            }
        }
        return output
    }

    private static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// llama.cpp takes \x only when `strtol(two chars, 16)` consumes both: two hex digits, or a leading space or
    /// sign (which strtol skips or reads) and one hex digit.
    private static func strtolConsumesBoth(_ a: UInt8, _ b: UInt8) -> Bool {
        guard hexDigit(b) != nil else { return false }
        return hexDigit(a) != nil || [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, UInt8(ascii: "+"), UInt8(ascii: "-")].contains(a)
    }

    private static func strtolValue(_ a: UInt8, _ b: UInt8) -> Int {
        if let high = hexDigit(a) { return high * 16 + hexDigit(b)! }
        return a == UInt8(ascii: "-") ? -hexDigit(b)! : hexDigit(b)!
    }
}
