import Steering

/// What one registered name stands for: its listing and its entries at the file's own strengths.
struct RegisteredSource: Sendable {
    var listing: RegisteredVector
    var entries: [SteeringEntry]

    /// A vector file lists its own method, site, blocks, fingerprint and strength range; a JSON spec lists the
    /// methods and sites of its entries (comma-separated when they differ) and every block they edit, and records
    /// no fingerprint or range.
    init(name: String, file: SteeringFile, model: ModelIdentity) {
        entries = file.entries
        if let vector = file.vector {
            let info = vector.info
            listing = RegisteredVector(name: name, method: info.effectiveMethod.rawValue, site: info.site.rawValue,
                                       blocks: vector.blocks, fingerprintMatches: info.fingerprint.map { $0 == model.fingerprint },
                                       strengthRange: info.strengthRange.map { [$0.lowerBound, $0.upperBound] })
        } else {
            let interventions = file.entries.flatMap(\.interventions)
            listing = RegisteredVector(name: name, method: Self.distinct(file.entries.map(\.method.rawValue)),
                                       site: Self.distinct(interventions.map(\.site.rawValue)),
                                       blocks: Set(interventions.map(\.block)).sorted(), fingerprintMatches: nil, strengthRange: nil)
        }
    }

    /// The values in first-seen order, without repeats, joined by commas.
    private static func distinct(_ values: [String]) -> String {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }.joined(separator: ",")
    }
}
