/// Checks the readers make on values they read, each failing with the file, place, key, value found and value
/// expected.
extension MCDataRecord {
    /// A string that is not empty after trimming white space.
    func nonEmptyString(_ key: String) throws -> String {
        try nonEmpty(try string(key), key: key)
    }

    /// A list of `count` non-empty strings.
    func choices(_ key: String, count: ClosedRange<Int>) throws -> [String] {
        let values = try strings(key)
        let wanted = count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
        guard count.contains(values.count) else {
            throw error(key, "has \(values.count) entries", expected: "a list of \(wanted) non-empty strings")
        }
        for (index, value) in values.enumerated() { _ = try nonEmpty(value, key: "\(key)[\(index)]") }
        return values
    }

    /// An integer index into a list of `count` entries named `list`.
    func index(_ key: String, into list: String, count: Int) throws -> Int {
        let value = try int(key)
        guard (0..<count).contains(value) else {
            throw error(key, "is \(value)", expected: "an index into \"\(list)\" (0 to \(count - 1))")
        }
        return value
    }

    /// A string among `allowed`.
    func oneOf(_ key: String, _ allowed: [String]) throws -> String {
        let value = try string(key)
        guard allowed.contains(value) else {
            throw error(key, "is \(Self.describe(value))", expected: allowed.map(Self.describe).joined(separator: " or "))
        }
        return value
    }

    func nonEmpty(_ value: String, key: String) throws -> String {
        guard !value.strippedLikePython.isEmpty else {
            throw error(key, "is \(Self.describe(value))", expected: "a non-empty string")
        }
        return value
    }
}
