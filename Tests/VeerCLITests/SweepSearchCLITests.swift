import Foundation
import Testing
import TestSupport

/// `veer sweep search` (the layer and hyperparameter search, docs/analysis-search.md): the dry-run plan and budget,
/// bad input, and a tiny real search on a 30-question TruthfulQA file (release pass only, as every model run).
@Suite("veer sweep search", .enabled(if: GenerateGoldenCLITests.enabled))
struct SweepSearchCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    static func search(_ more: [String]) -> [String] { ["sweep", "search", "--backend", "cpu"] + more }

    /// A data directory whose TruthfulQA file holds the first `count` questions of the repository's.
    func smallData(_ count: Int) throws -> String {
        let source = TestFileLocations.data.appending(path: "truthfulqa/data/v1/mc_task.json")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [Any])
        let directory = scratch.url.appending(path: "data/truthfulqa/data/v1")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: Array(all.prefix(count))).write(to: directory.appending(path: "mc_task.json"))
        return scratch.url.appending(path: "data").path
    }

    /// --dry-run prints the plan and its budget without loading the model: the split of the 817 questions, the
    /// configurations, scored pairs and extractions per stage.
    @Test func dryRunPrintsThePlanAndBudget() throws {
        let doc = try EvalCLITests.document(Self.search(["--dry-run", "--methods", "caa,iti", "--layers", "4,8",
                                                         "--validation", "6", "--strengths", "caa=1,2", "--strengths", "iti=10,15"]))
        #expect(doc["stage"] as? String == "plan" && (doc["stages"] as? [Any])?.isEmpty == true)
        let plan = try #require(doc["plan"] as? [String: Any])
        let split = try #require(plan["split"] as? [String: Any])
        #expect(split["training_fold"] as? [Int] == [0, 409] && split["extraction"] as? [Int] == [0, 403] && split["validation"] as? [Int] == [403, 409]
                && split["held_out_fold"] as? [Int] == [409, 817])
        let budget = try #require(plan["budget"] as? [String: Any])
        let layers = try #require(budget["layers"] as? [String: Int]), strengths = try #require(budget["strengths"] as? [String: Int])
        #expect(layers == ["extractions": 3, "extraction_questions": 3 * 403, "configurations": 5, "scored_pairs": 30])
        #expect(strengths == ["extractions": 0, "extraction_questions": 0, "configurations": 5, "scored_pairs": 30])
        #expect((budget["final"] as? [String: Int])?["extractions"] == 2 && budget["held_out_pairs"] as? Int == 3 * 408)
        let estimate = try #require(plan["estimate_seconds"] as? Double)
        #expect(abs(estimate - (60 * 0.45 + Double(3 * 403 + 2 * 409) * 0.35)) < 1e-6)
        let text = try VeerProcess.run(Self.search(["--dry-run", "--methods", "caa", "--layers", "4,8", "--validation", "6"]))
        #expect(text.status == 0 && text.stdout.contains("stage 1 layers: 1 extractions (403 questions read), 3 configurations, 18 scored question×configuration pairs"),
                "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("held-out fold 409..<817 (408) is never read"))
    }

    @Test(arguments: [
        (["--methods", "caa,foo", "--dry-run"], "unknown method \"foo\""),
        (["--methods", "pca-diff", "--dry-run"], "unknown method \"pca-diff\""),
        (["--layers", "4,40", "--dry-run"], "block 40 does not exist; the model has blocks 0...29"),
        (["--validation", "405", "--dry-run"], "--validation 405: the training fold has 409 questions"),
        (["--validation", "0", "--dry-run"], "--validation 0: expected a whole number of questions >= 1"),
        (["--shard", "3/3", "--stage", "layers", "--dry-run"], "--shard 3/3: expected i/n with 0 <= i < n"),
        (["--shard", "0/2", "--out", "x", "--dry-run"], "--shard slices the validation questions of --stage layers or --stage strengths"),
        (["--stage", "strengths", "--dry-run"], "--stage strengths needs each method's layer"),
        (["--stage", "final", "--out", "x"], "--stage final needs --from"),
        (["--methods", "caa"], "--stage all writes the chosen vectors and configs.json: give --out DIR"),
        (["--strengths", "caa=1,x", "--dry-run"], "--strengths caa=1,x: expected finite numbers"),
        (["--methods", "caa", "--strengths", "iti=1", "--dry-run"], "--strengths iti=...: iti is not among --methods caa"),
        (["--betas", "1", "--dry-run"], "--betas 1: expected numbers in [-1, 1)"),
        (["--stage", "strengths", "--layer", "caa=40", "--methods", "caa", "--dry-run"], "--layer caa=40: the model has blocks 0 to 29"),
    ])
    func badInputIsNamed(_ arguments: [String], _ message: String) throws {
        let run = try VeerProcess.run(Self.search(arguments))
        #expect(run.status != 0 && run.stderr.contains(message), "stderr: \(run.stderr)")
    }

    /// A whole tiny search: 2 methods, 2 layers, 6 validation questions of a 30-question file, 2 strengths each.
    /// Each stage's winners are the argmax of its table (MC2, then MC1, then the lower layer); stage 2 runs at
    /// stage 1's winning layers; every extraction reads only extraction questions (stages) or the training fold
    /// (final); configs.json runs with eval's --fold 1/2, the held-out fold.
    @Test func aTinySearchPicksTheArgmaxAndNeverExtractsFromValidation() throws {
        let data = try smallData(30)
        let out = scratch.url.appending(path: "out")
        let doc = try EvalCLITests.document(Self.search([
            "--data", data, "--methods", "caa,spherical", "--layers", "8,16", "--validation", "6",
            "--strengths", "caa=1,2", "--strengths", "spherical=0.6,0.9", "--betas", "-0.05", "--out", out.path,
        ]))
        let split = try #require((doc["plan"] as? [String: Any])?["split"] as? [String: Any])
        #expect(split["training_fold"] as? [Int] == [0, 15] && split["extraction"] as? [Int] == [0, 9] && split["validation"] as? [Int] == [9, 15]
                && split["held_out_fold"] as? [Int] == [15, 30])
        let stages = try #require(doc["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == ["layers", "strengths"])
        func candidate(_ row: [String: Any]) -> [String: Any] { row["candidate"] as? [String: Any] ?? [:] }
        var winners: [String: [String: Any]] = [:]
        for stage in stages {
            let rows = try #require(stage["rows"] as? [[String: Any]])
            #expect(rows.allSatisfy { $0["items"] as? Int == 6 })
            for method in ["caa", "spherical"] {
                let mine = rows.filter { candidate($0)["method"] as? String == method }
                var best = mine[0]
                for row in mine.dropFirst() {
                    let (a, b) = ((row["mc2"] as! Double, row["mc1"] as! Double), (best["mc2"] as! Double, best["mc1"] as! Double))
                    if a.0 > b.0 || (a.0 == b.0 && (a.1 > b.1 || (a.1 == b.1 && (candidate(row)["layer"] as! Int) < (candidate(best)["layer"] as! Int)))) {
                        best = row
                    }
                }
                let chosen = try #require((stage["best"] as? [[String: Any]])?.first { candidate($0)["method"] as? String == method })
                #expect(NSDictionary(dictionary: candidate(chosen)).isEqual(to: candidate(best)), "\(stage["name"]!) \(method)")
                if stage["name"] as? String == "layers" {
                    #expect(mine.map { candidate($0)["layer"] as? Int } == [8, 16])
                    winners[method] = candidate(best)
                } else {
                    #expect(mine.allSatisfy { candidate($0)["layer"] as? Int == winners[method]?["layer"] as? Int })
                    #expect(mine.count == 2)
                    winners[method] = candidate(best)
                }
            }
        }
        let extractions = try #require(doc["extractions"] as? [[String: Any]])
        #expect(extractions.map { $0["stage"] as? String } == ["layers", "layers", "final", "final"])
        for extraction in extractions {
            let questions = try #require(extraction["questions"] as? [Int])
            #expect(questions == (extraction["stage"] as? String == "final" ? [0, 15] : [0, 9]))
        }
        let chosen = try #require(doc["chosen"] as? [[String: Any]])
        #expect(chosen.map { $0["method"] as? String } == ["caa", "spherical"])
        for entry in chosen {
            let method = entry["method"] as! String
            #expect(NSDictionary(dictionary: entry["candidate"] as! [String: Any]).isEqual(to: winners[method]!))
            #expect(FileManager.default.fileExists(atPath: out.appending(path: entry["vector"] as! String).path))
        }
        let held = try EvalCLITests.document(EvalCLITests.eval("truthfulqa-mc", ["--data", data, "--fold", "1/2",
                                                                                 "--configs", out.appending(path: "configs.json").path]))
        #expect((held["items"] as? [[String: Any]])?.compactMap { $0["index"] as? Int }.min() == 15)
        #expect((held["configs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["unsteered"] + chosen.map { $0["config"] as? String })
    }

    /// Stage 1 in two shards, merged, equals the unsharded stage; --from the merged stage runs stage 2 at its layers.
    @Test func shardsMergeIntoTheWholeStage() throws {
        let data = try smallData(24)
        let common = ["--data", data, "--methods", "caa", "--layers", "6,12", "--validation", "4"]
        var paths: [String] = []
        for shard in ["0/2", "1/2"] {
            let run = try VeerProcess.run(Self.search(common + ["--stage", "layers", "--shard", shard, "--json"]))
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let path = scratch.url.appending(path: "layers-\(paths.count).json").path
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let mergedRun = try VeerProcess.run(["sweep", "search", "--merge"] + paths + ["--json"])
        #expect(mergedRun.status == 0, "stderr: \(mergedRun.stderr)")
        let mergedPath = scratch.url.appending(path: "layers.json").path
        try Data(mergedRun.stdout.utf8).write(to: URL(fileURLWithPath: mergedPath))
        let merged = try #require(try JSONSerialization.jsonObject(with: Data(mergedRun.stdout.utf8)) as? [String: Any])
        let whole = try EvalCLITests.document(Self.search(common + ["--stage", "layers"]))
        func table(_ doc: [String: Any]) -> [[Double]] {
            (((doc["stages"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]]) ?? []).map { [$0["mc1"] as? Double ?? -1, $0["mc2"] as? Double ?? -1] }
        }
        #expect(table(merged) == table(whole) && table(merged).count == 2)
        let missing = try VeerProcess.run(["sweep", "search", "--merge", paths[0]])
        #expect(missing.status != 0 && missing.stderr.contains("slices 1/2 are missing"), "\(missing.stderr)")
        let shardAsFrom = try VeerProcess.run(Self.search(common + ["--stage", "strengths", "--from", paths[0]]))
        #expect(shardAsFrom.status != 0 && shardAsFrom.stderr.contains("--merge the shards first"), "\(shardAsFrom.stderr)")
        let stage2 = try EvalCLITests.document(Self.search(common + ["--stage", "strengths", "--from", mergedPath, "--strengths", "caa=2"]))
        let best = try #require((((merged["stages"] as? [[String: Any]])?.first?["best"] as? [[String: Any]])?.first?["candidate"] as? [String: Any])?["layer"] as? Int)
        let rows = try #require((stage2["stages"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])
        #expect(rows.map { ($0["candidate"] as? [String: Any])?["layer"] as? Int } == [best])
        #expect((stage2["extractions"] as? [[String: Any]])?.map { $0["questions"] as? [Int] } == [[0, 8]])
    }
}
