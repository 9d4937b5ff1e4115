/// GPT-2's byte-level alphabet: every byte is written as one visible character so a vocabulary of strings can spell
/// any byte sequence. Printable bytes ('!'...'~', '¡'...'¬', '®'...'ÿ') stand for themselves; the other 68 bytes
/// (controls, space, DEL, NBSP, soft hyphen...) take the characters U+0100, U+0101, ... in byte order, so a space is
/// 'Ġ' (U+0120) and a newline is 'Ċ' (U+010A).
enum ByteLevel {
    /// [256] the character standing for each byte.
    static let characterForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(UInt8(byte)) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a character stands for, or nil when the character is not part of the alphabet.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 { return isPrintable(UInt8(value)) ? UInt8(value) : nil }
        return value - 256 < UInt32(remappedBytes.count) ? remappedBytes[Int(value - 256)] : nil
    }

    /// The bytes that are not printable, in the order they take U+0100, U+0101, ...
    private static let remappedBytes: [UInt8] = (0...255).map(UInt8.init).filter { !isPrintable($0) }

    private static func isPrintable(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The byte-level spelling of `bytes` ("Ġhello" for " hello").
    static func encode<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(characterForByte[Int(byte)]) }
        return String(text)
    }
}
