/// A token string compared and hashed by its UTF-8 bytes. Swift's `String` equality is canonical equivalence
/// ("é" == "e\u{301}"), but two vocabulary entries are different tokens whenever their bytes differ, as in
/// llama.cpp; hashing the bytes in one call is also much faster than `String` hashing for non-ASCII text.
struct TokenKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }
    init(_ text: Substring) { self.text = String(text) }

    static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        guard lhs.text.utf8.count == rhs.text.utf8.count else { return false }
        var left = lhs.text, right = rhs.text
        return left.withUTF8 { a in right.withUTF8 { b in a.elementsEqual(b) } }
    }

    func hash(into hasher: inout Hasher) {
        var text = self.text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
