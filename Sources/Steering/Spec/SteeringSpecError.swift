/// What is wrong with a JSON steering spec: the entry ("spec.json entry 2 (id spherical_l15)", or the file for
/// problems of the whole file), the key when one is at fault ("units[3].dim"), and what was found and expected.
public struct SteeringSpecError: Error, Equatable, CustomStringConvertible {
    /// The file, or the file and entry.
    public var entry: String
    /// The key at fault, with its path inside the entry; nil for problems of the file or the entry as a whole.
    public var key: String?
    /// What was found and what was expected.
    public var problem: String

    public init(entry: String, key: String? = nil, problem: String) {
        self.entry = entry; self.key = key; self.problem = problem
    }

    /// "spec.json entry 0 (id x): key \"kappa\": expected a number, found null".
    public var description: String {
        key.map { "\(entry): key \"\($0)\": \(problem)" } ?? "\(entry): \(problem)"
    }
}
