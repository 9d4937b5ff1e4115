/// One JSON object of a spec (an entry, or a unit or head inside one) read key by key. Every accessor names the key
/// with its path in the entry ("heads[1].theta") when the value is missing or of the wrong type, so a typo or a
/// wrong value is never silently read as something else.
struct SpecObject {
    /// The entry the object belongs to, as errors name it.
    let entry: String
    /// The object's place in the entry: "" for the entry itself, "units[3]" for a unit.
    let path: String
    let values: [String: JSONValue]

    init(_ value: JSONValue, entry: String, path: String = "") throws {
        guard case .object(let values) = value else {
            throw SteeringSpecError(entry: entry, key: path.isEmpty ? nil : path,
                                    problem: "expected an object, found \(value.kindDescription)")
        }
        self.entry = entry; self.path = path; self.values = values
    }

    /// The key as errors name it: "alpha", or "units[3].dim".
    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ problem: String) -> SteeringSpecError {
        SteeringSpecError(entry: entry, key: keyPath(key), problem: problem)
    }

    /// Refuses any key outside `allowed`, naming it and listing the allowed ones (`what` says whose keys they are).
    func requireOnly(_ allowed: [String], what: String) throws {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(unknown, "unknown key for \(what); the keys are \(allowed.joined(separator: ", "))")
        }
    }

    /// Whether the key is absent or null (for optional keys and the keys an ungated rotation has no use for).
    func isAbsentOrNull(_ key: String) -> Bool { values[key] == nil || values[key] == .null }

    private func required(_ key: String, _ expected: String) throws -> JSONValue {
        guard let value = values[key] else { throw fail(key, "missing; expected \(expected)") }
        return value
    }

    func string(_ key: String) throws -> String {
        let value = try required(key, "a string")
        guard case .string(let text) = value else { throw fail(key, "expected a string, found \(value.kindDescription)") }
        return text
    }

    func optionalString(_ key: String) throws -> String? { values[key] == nil ? nil : try string(key) }

    func bool(_ key: String) throws -> Bool {
        let value = try required(key, "true or false")
        guard case .bool(let flag) = value else { throw fail(key, "expected true or false, found \(value.kindDescription)") }
        return flag
    }

    /// A number that is finite as float32 (the kernels' type).
    func float(_ key: String) throws -> Float {
        let value = try required(key, "a number")
        guard case .number(let number) = value else { throw fail(key, "expected a number, found \(value.kindDescription)") }
        return try Self.float32(number) { fail(key, $0) }
    }

    func optionalFloat(_ key: String) throws -> Float? { isAbsentOrNull(key) ? nil : try float(key) }

    /// A whole number in `range` (`rangeText` says what the range means, for the message).
    func integer(_ key: String, in range: Range<Int>, _ rangeText: String) throws -> Int {
        let value = try required(key, "a whole number")
        guard case .number(let number) = value else { throw fail(key, "expected a whole number, found \(value.kindDescription)") }
        guard number == number.rounded(), abs(number) < 1e15 else { throw fail(key, "expected a whole number, found \(number)") }
        let whole = Int(number)
        guard range.contains(whole) else { throw fail(key, "\(whole) is outside \(rangeText)") }
        return whole
    }

    func optionalInteger(_ key: String, in range: Range<Int>, _ rangeText: String) throws -> Int? {
        isAbsentOrNull(key) ? nil : try integer(key, in: range, rangeText)
    }

    /// A list of numbers, each finite as float32, of exactly `count` values (`countText` says where the count
    /// comes from).
    func floats(_ key: String, count: Int, _ countText: String) throws -> [Float] {
        let items = try list(key, "a list of \(count) numbers")
        guard items.count == count else { throw fail(key, "has \(items.count) values, expected \(count) (\(countText))") }
        return try items.enumerated().map { i, item in
            guard case .number(let number) = item else { throw fail("\(key)[\(i)]", "expected a number, found \(item.kindDescription)") }
            return try Self.float32(number) { fail("\(key)[\(i)]", $0) }
        }
    }

    /// The objects of a list, each read with its path ("units[3]").
    func objects(_ key: String) throws -> [SpecObject] {
        try list(key, "a list of objects").enumerated().map { i, item in
            try SpecObject(item, entry: entry, path: keyPath("\(key)[\(i)]"))
        }
    }

    private func list(_ key: String, _ expected: String) throws -> [JSONValue] {
        let value = try required(key, expected)
        guard case .array(let items) = value else { throw fail(key, "expected \(expected), found \(value.kindDescription)") }
        return items
    }

    private static func float32(_ number: Double, fail: (String) -> SteeringSpecError) throws -> Float {
        let value = Float(number)
        guard value.isFinite else { throw fail("\(number) does not fit in float32") }
        return value
    }
}
