import Foundation

/// The passages of the BoolQ data file, each once, in file order: encyclopedic prose with no question attached,
/// which `veer sweep` uses as neutral text for its cross-entropy change (spec §3.2.3 uses web text; the repository
/// already holds this). Read with the BoolQ reader's checks, so a malformed line is the same error as in evaluation.
public struct BoolQPassages: Sendable {
    /// The path read.
    public var file: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    /// Distinct passages (several questions share one passage), first occurrence order.
    public var passages: [String]

    /// Reads `boolq/boolq_mc.jsonl` under `dataDirectory`.
    public static func load(dataDirectory: URL) throws -> BoolQPassages {
        let file = try MCDataFile.read(.boolq, from: dataDirectory)
        var seen = Set<String>()
        var passages: [String] = []
        for record in try file.jsonLines(layout: BoolQReader.layout) {
            let passage = try record.nonEmptyString("passage")
            if seen.insert(passage).inserted { passages.append(passage) }
        }
        guard !passages.isEmpty else { throw MCDataError.noItems(file: file.path, expected: BoolQReader.layout) }
        return BoolQPassages(file: file.path, sha256: file.sha256, passages: passages)
    }
}
