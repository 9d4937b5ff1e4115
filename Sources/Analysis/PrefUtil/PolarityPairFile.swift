import Foundation
import Steering

/// Where `--pairs` finds its pairs and how it reads them: a CAA A/B list (`generate_dataset.json`,
/// `test_dataset_ab.json`), a JSONL file of `{"question", "positive", "negative"}`, or a CAA behaviour name, which
/// means that behaviour's held-out test items (vectors are extracted from the generate items).
public enum PolarityPairFile {
    public static let jsonlLayout = "{\"question\": string, \"positive\": string, \"negative\": string, \"id\": string (optional)}"

    /// The file `argument` names: an existing file, or `<data>/caa/test/<behaviour>/test_dataset_ab.json`.
    public static func resolve(_ argument: String, dataDirectory: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw PolarityPairError("--pairs \(argument): a directory; expected a pairs file (.json or .jsonl) or a CAA behaviour name")
            }
            return URL(fileURLWithPath: argument)
        }
        let tests = dataDirectory.appending(path: "caa/test")
        let looksLikePath = argument.contains("/") || argument.hasSuffix(".json") || argument.hasSuffix(".jsonl")
        if !looksLikePath {
            let file = tests.appending(path: "\(argument)/test_dataset_ab.json")
            if FileManager.default.fileExists(atPath: file.path) { return file }
        }
        let behaviours = ((try? FileManager.default.contentsOfDirectory(atPath: tests.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: tests.appending(path: "\($0)/test_dataset_ab.json").path) }.sorted()
        let known = behaviours.isEmpty ? "none found under \(tests.path)" : behaviours.joined(separator: ", ")
        if looksLikePath { throw PolarityPairError("--pairs \(argument): no such file") }
        throw PolarityPairError("--pairs \(argument): not a file and not a CAA behaviour (behaviours: \(known))")
    }

    /// The pairs of a `.jsonl` file, or of a CAA A/B list (any other name).
    public static func load(_ url: URL) throws -> [PolarityPair] {
        url.pathExtension.lowercased() == "jsonl" ? try jsonLines(url) : try caaItems(url)
    }

    /// A CAA list: the question is the user message; each answer is its choice line, "(A) Agree" (the letter and
    /// the choice's text), found in the question. Errors name the file, the 0-based item and the key.
    static func caaItems(_ url: URL) throws -> [PolarityPair] {
        let items: [CAAItem]
        do { items = try CAAItem.load(path: url.path) } catch { throw PolarityPairError("\(error)") }
        return try items.enumerated().map { index, item in
            func choice(_ letter: String, key: String) throws -> String {
                let lines = item.question.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { $0.hasPrefix("(\(letter))") }
                guard lines.count == 1 else {
                    throw PolarityPairError("\(url.path): item \(index): \"\(key)\" is (\(letter)), but \"question\" has \(lines.count) lines starting with (\(letter)); expected exactly one choice line such as \" (\(letter)) text\"")
                }
                return lines[0]
            }
            return PolarityPair(id: "item \(index)", question: item.question,
                                positive: try choice(item.matchingLetter, key: "answer_matching_behavior"),
                                negative: try choice(item.notMatchingLetter, key: "answer_not_matching_behavior"),
                                positiveLetter: item.matchingLetter, negativeLetter: item.notMatchingLetter)
        }
    }

    /// One JSON object per line (blank lines skipped); unknown keys are errors. Errors name the file, the 1-based
    /// line and the key.
    static func jsonLines(_ url: URL) throws -> [PolarityPair] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PolarityPairError("\(url.path): cannot read the pairs file (\(error.localizedDescription))")
        }
        var pairs: [PolarityPair] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ problem: String) -> PolarityPairError {
                PolarityPairError("\(url.path):\(number): \(problem); expected \(jsonlLayout)")
            }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            let known: Set<String> = ["question", "positive", "negative", "id"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw fail("unknown key \"\(unknown)\"") }
            func string(_ key: String) throws -> String {
                guard let value = object[key] else { throw fail("missing key \"\(key)\"") }
                guard let text = value as? String, !text.isEmpty else { throw fail("\"\(key)\" must be a non-empty string") }
                return text
            }
            let id = object["id"] == nil ? "line \(number)" : try string("id")
            let pair = PolarityPair(id: id, question: try string("question"), positive: try string("positive"),
                                    negative: try string("negative"))
            guard pair.positive != pair.negative else { throw fail("\"positive\" and \"negative\" are the same text") }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else { throw PolarityPairError("\(url.path): no pairs; expected one \(jsonlLayout) per line") }
        return pairs
    }
}
