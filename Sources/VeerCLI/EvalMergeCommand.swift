import ArgumentParser
import Evaluation
import Foundation

/// `veer eval merge SHARD.json ...`: joins the `--json` documents of `veer eval mc --shard i/n` runs into the document
/// of the whole run, after checking they are the n slices of one evaluation (same task, data, model, precision,
/// configurations and --limit; every slice once).
struct EvalMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Join the --json results of `veer eval mc --shard i/n` runs.")

    @OptionGroup var output: OutputOptions
    @Option(help: "Also write a report: Markdown (.md) or HTML (.html).") var report: String?
    @Argument(help: "The shard results (veer eval mc --json output), one file per slice.") var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the shard results to merge") }
    }

    func run() throws {
        if let report { try EvalReport.checkWritable(report) }
        let merged = try Self.merge(try files.map(Self.read))
        if let report { try EvalReport.write(merged, to: report) }
        if output.json { try Console.json(merged) } else { EvalReport.printSummary(merged) }
    }

    static func read(_ path: String) throws -> (path: String, document: EvalDocument) {
        (path, try readDocument(path, as: EvalDocument.self, producedBy: "veer eval mc --json"))
    }

    /// A JSON document one of Veer's commands wrote; errors name the file and what it should have been.
    static func readDocument<T: Decodable>(_ path: String, as type: T.Type, producedBy command: String) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("\(path): cannot read (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw InvalidInput("\(path): not a `\(command)` result (\(Self.describe(error)))")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default: return "\(error)"
        }
    }

    /// The merged document: items of every slice by configuration and index, metrics recomputed over all of them.
    static func merge(_ shards: [(path: String, document: EvalDocument)]) throws -> EvalDocument {
        let (firstPath, first) = shards[0]
        guard let task = MCTaskName(rawValue: first.protocol.task) else {
            throw InvalidInput("\(firstPath): unknown task \"\(first.protocol.task)\"")
        }
        var seen: [Int: String] = [:]
        var count: Int?
        for (path, d) in shards {
            var mine = d.protocol, theirs = first.protocol
            mine.items = 0; theirs.items = 0
            guard mine == theirs else {
                throw InvalidInput("\(path) and \(firstPath) are not slices of one evaluation: their protocols differ (task, data, model, precision, template or BOS)")
            }
            guard d.configs.map(\.name) == first.configs.map(\.name), d.selection.limit == first.selection.limit,
                  d.selection.fold == first.selection.fold else {
                throw InvalidInput("\(path) and \(firstPath) are not slices of one evaluation: their configurations, --limit or --fold differ")
            }
            guard let text = d.selection.shard, let shard = try? EvalShard(parsing: text) else {
                throw InvalidInput("\(path): not a --shard result (selection.shard is missing)")
            }
            if let count, count != shard.count {
                throw InvalidInput("\(path) is slice \(text) but \(firstPath) belongs to a split into \(count)")
            }
            count = shard.count
            if let other = seen[shard.index] { throw InvalidInput("\(path) and \(other) are both slice \(text)") }
            seen[shard.index] = path
        }
        let missing = (0..<count!).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw InvalidInput("slices \(missing.map { "\($0)/\(count!)" }.joined(separator: ", ")) are missing; merge needs all \(count!)")
        }
        let records = shards.flatMap(\.document.items)
        var configurations: [EvalDocument.Configuration] = []
        for (c, config) in first.configs.enumerated() {
            let results = records.filter { $0.config == config.name }.map(\.result).sorted { $0.index < $1.index }
            var merged = config
            merged.metrics = MCMetrics.aggregate(task, results)
            merged.degenerate_items = results.filter(\.degenerate).count
            merged.wall_seconds = shards.map { $0.document.configs[c].wall_seconds }.reduce(0, +)
            configurations.append(merged)
        }
        let ordered = first.configs.flatMap { config in
            records.filter { $0.config == config.name }.sorted { $0.result.index < $1.result.index }
        }
        var protocolRecord = first.protocol
        protocolRecord.items = Set(ordered.map(\.result.index)).count
        var selection = first.selection
        selection.shard = nil
        return EvalDocument(metrics: .init(configurations), alphas: first.alphas, protocol: protocolRecord, selection: selection,
                            configs: configurations,
                            agreement: EvalAgreement.pairs(ordered, configurations: configurations.map(\.name)),
                            items: ordered, run: first.run,
                            wall_seconds: shards.map(\.document.wall_seconds).reduce(0, +))
    }
}
