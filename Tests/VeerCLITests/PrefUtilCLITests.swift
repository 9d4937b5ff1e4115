import Foundation
import Testing
import TestSupport

/// `veer prefutil`: bad input fails before the model loads, naming the option, file, line or key.
@Suite struct PrefUtilInputCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func prefutil(_ arguments: [String]) throws -> VeerProcess {
        try VeerProcess.run(["prefutil", "--backend", "cpu"] + arguments)
    }

    @Test func unknownBehaviourIsAnErrorListingTheBehaviours() throws {
        let run = try prefutil(["--pairs", "flattery", "--steer", "v.gguf", "--multipliers", "-1,1"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--pairs flattery: not a file and not a CAA behaviour") && run.stderr.contains("sycophancy"),
                "stderr: \(run.stderr)")
    }

    @Test func malformedPairsFileNamesFileLineAndKey() throws {
        let file = scratch.url.appending(path: "pairs.jsonl")
        try Data("{\"question\": \"q\", \"positive\": \"a\", \"negative\": \"b\"}\n{\"question\": \"q\", \"positive\": \"a\"}\n".utf8).write(to: file)
        let run = try prefutil(["--pairs", file.path, "--steer", "v.gguf", "--multipliers", "-1,1"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(file.path):2: missing key \"negative\""), "stderr: \(run.stderr)")
    }

    @Test(arguments: [
        (["--multipliers", "-1,nan,1"], "--multipliers -1,nan,1: 'nan' is not a finite number"),
        (["--multipliers", "-4:4:x"], "--multipliers -4:4:x: the count 'x' is not a whole number"),
        (["--multipliers", "1:2"], "--multipliers 1:2: expected three parts A:B:N"),
    ])
    func badMultipliersAreErrors(arguments: [String], expected: String) throws {
        let run = try prefutil(["--pairs", "sycophancy", "--steer", "v.gguf"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "stderr: \(run.stderr)")
    }

    @Test(arguments: [
        ([] as [String], "prefutil needs --steer FILE[:S]"),
        (["--steer", "v.gguf", "--png"], "--png renders the report's figures; give it with --report FILE.html"),
        (["--steer", "v.gguf", "--report", "r.svg"], "--report r.svg: expected a file name ending in .html"),
        (["--steer", "v.gguf", "--per-pair"], "--per-pair adds rows to the --json document"),
        (["--steer", "v.gguf", "--answer", "word"], "--answer"),
    ])
    func badOptionsAreErrors(arguments: [String], expected: String) throws {
        let run = try prefutil(["--pairs", "sycophancy", "--multipliers", "-1,1"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "stderr: \(run.stderr)")
    }
}

/// `veer prefutil` end to end on the default model (release builds): a CAA vector from 16 corrigible-neutral-HHH
/// training items (short prompts), 4 held-out pairs, 3 multipliers, JSON, the HTML report and its PNGs.
@Suite("veer prefutil on the default model", .enabled(if: GenerateGoldenCLITests.enabled), .serialized)
struct PrefUtilCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    func vector() throws -> String {
        let source = TestFileLocations.data.appending(path: "caa/generate/corrigible-neutral-HHH/generate_dataset.json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [Any])
        let training = scratch.url.appending(path: "train.json")
        try JSONSerialization.data(withJSONObject: Array(items.prefix(16))).write(to: training)
        let vector = scratch.url.appending(path: "caa.gguf").path
        let extracted = try VeerProcess.run(["extract", "--backend", "cpu", "--method", "caa", "--caa", training.path,
                                             "--layers", "15", "--out", vector])
        try #require(extracted.status == 0, "stderr: \(extracted.stderr)")
        return vector
    }

    func rows(_ document: [String: Any], multiplier: Double) throws -> [[String: Any]] {
        let rows = try #require(document["pair_rows"] as? [[String: Any]])
        return rows.filter { $0["multiplier"] as? Double == multiplier }
    }

    @Test func curveFitsReportAndUnsteeredRow() throws {
        let vector = try vector()
        let report = scratch.url.appending(path: "prefutil.html")
        let base = ["prefutil", "--backend", "cpu", "--pairs", "corrigible-neutral-HHH", "--limit", "4"]
        let run = try VeerProcess.run(base + ["--steer", vector, "--multipliers", "-2,2", "--json", "--per-pair",
                                              "--report", report.path, "--png"])
        try #require(run.status == 0, "stderr: \(run.stderr)")
        let document = try #require(try run.json() as? [String: Any])
        #expect(document["multipliers"] as? [Double] == [-2, 0, 2])
        let curve = try #require(document["curve"] as? [[String: Any]])
        #expect(curve.count == 3 && curve.allSatisfy { $0["pairs"] as? Int == 4 })
        #expect(curve.allSatisfy { ($0["positive_loss"] as? Double ?? 0) > 0 && $0["preference_odds_se"] is Double })
        let preferenceFit = try #require((document["fits"] as? [String: Any])?["preference"] as? [String: Any])
        #expect(preferenceFit["fitted"] as? Bool == false)
        #expect((preferenceFit["reason"] as? String)?.contains("at least 7 multipliers") == true, "\(preferenceFit)")
        #expect(try rows(document, multiplier: 0).count == 4 && (document["pair_rows"] as? [Any])?.count == 12)
        let protocolRecord = try #require(document["protocol"] as? [String: Any])
        #expect((protocolRecord["pairs_file"] as? String)?.hasSuffix("caa/test/corrigible-neutral-HHH/test_dataset_ab.json") == true)
        #expect(protocolRecord["loss"] as? String == "mean-token" && protocolRecord["answer"] as? String == "full")
        let manifest = try #require(document["run"] as? [String: Any])
        #expect(manifest["model_sha256"] is String && manifest["steering"] is [String: Any])
        #expect((document["wall_seconds"] as? Double ?? 0) > 0)

        // The report: the three charts inline, each also as a PNG beside it.
        let html = try String(contentsOf: report, encoding: .utf8)
        for title in ["Preference log-odds", "Utility log-odds", "Answer losses"] { #expect(html.contains(title)) }
        #expect(html.components(separatedBy: "<svg").count == 4)
        for figure in ["preference", "utility", "losses"] {
            let png = try Data(contentsOf: scratch.url.appending(path: "prefutil-\(figure).png"))
            #expect(png.count > 2000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(figure): \(png.count) bytes")
        }

        // Another strength and grid: the m = 0 rows are the unsteered model's, the same bits whatever the steering.
        let other = try VeerProcess.run(base + ["--steer", "\(vector):3", "--multipliers", "1", "--json", "--per-pair"])
        try #require(other.status == 0, "stderr: \(other.stderr)")
        let otherDocument = try #require(try other.json() as? [String: Any])
        let zero = try rows(document, multiplier: 0), otherZero = try rows(otherDocument, multiplier: 0)
        for key in ["positive_loss", "negative_loss", "preference_odds", "utility_odds"] {
            #expect(zero.map { $0[key] as? Double } == otherZero.map { $0[key] as? Double }, "\(key)")
        }
        #expect(try rows(document, multiplier: 2).map { $0["positive_loss"] as? Double } != zero.map { $0["positive_loss"] as? Double })

        // The letter rendering, as a text table.
        let letters = try VeerProcess.run(base + ["--steer", vector, "--multipliers", "-1,1", "--answer", "letter"])
        try #require(letters.status == 0, "stderr: \(letters.stderr)")
        let lines = letters.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("L_p") && $0.contains("PrefOdds") && $0.contains("clamped") }, "\(letters.stdout)")
        #expect(lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-1 ") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("0 ") }.count == 2, "\(letters.stdout)")
        #expect(letters.stdout.contains("answer letter") && letters.stdout.contains("not fitted"))
    }
}
