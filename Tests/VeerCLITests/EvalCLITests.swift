import Foundation
import Testing
import TestSupport

/// `veer eval mc` and `veer eval merge` end to end on small subsets of every task: the JSON document's metrics,
/// protocol record and items; steering, configurations, shards, two-fold extraction, reports; and the errors.
@Suite("veer eval", .enabled(if: GenerateGoldenCLITests.enabled))
struct EvalCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    /// Runs veer with the arguments, expecting success, and parses its --json document.
    static func document(_ arguments: [String]) throws -> [String: Any] {
        let run = try VeerProcess.run(arguments + ["--json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "stdout: \(run.stdout)")
    }

    static func eval(_ task: String, _ more: [String] = []) -> [String] {
        ["eval", "mc", "--task", task, "--backend", "cpu"] + more
    }

    static let metricNames: [String: Set<String>] = [
        "truthfulqa-mc": ["mc1", "mc2", "mc3"], "copa": ["accuracy", "accuracy_dev"], "copa-cloze": ["accuracy", "accuracy_mean"],
        "arc-easy": ["accuracy"], "arc-challenge": ["accuracy"], "hellaswag": ["accuracy"], "boolq": ["accuracy"],
        "winogrande": ["accuracy"], "caa-ab": ["p_matching", "p_matching_coordinate-other-ais"],
    ]

    /// Every task end to end on its first three items, unsteered and steered in one run: each configuration's
    /// metrics as fractions, three items with one finite score per option, the steering recorded (file hash,
    /// default positions), and the protocol recorded (data file and hash, template, BOS, model hash, precision).
    @Test(arguments: ["truthfulqa-mc", "copa", "copa-cloze", "arc-easy", "arc-challenge", "hellaswag", "boolq", "winogrande", "caa-ab"])
    func everyTaskRunsOnASubsetSteeredAndNot(_ task: String) throws {
        let file = scratch.url.appending(path: "configs.json")
        try Data(#"[{"name": "unsteered"}, {"name": "happy", "steer": ["\#(try SteerCLITests.happy):2"]}]"#.utf8).write(to: file)
        let doc = try Self.document(Self.eval(task, ["--limit", "3", "--configs", file.path]))
        let list = try #require(doc["metrics"] as? [[String: Any]])
        #expect(list.map { $0["config"] as? String } == ["unsteered", "happy"])
        for entry in list {
            let metrics = try #require(entry["metrics"] as? [String: Double])
            #expect(Self.metricNames[task]!.isSubset(of: Set(metrics.keys)), "\(metrics)")
            #expect(metrics.values.allSatisfy { (0...1).contains($0) }, "\(metrics)")
        }
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.map { $0["index"] as? Int } == [0, 1, 2, 0, 1, 2])
        #expect(items.map { $0["config"] as? String } == ["unsteered", "unsteered", "unsteered", "happy", "happy", "happy"])
        for item in items {
            let scores = try #require(item["scores"] as? [[String: Any]])
            #expect(scores.count >= 2 && scores.allSatisfy { ($0["sum"] as? Double)?.isFinite == true && ($0["tokens"] as? Int ?? 0) >= 1 })
            #expect(item["degenerate"] as? Bool == false)
        }
        let steered = try #require((doc["configs"] as? [[String: Any]])?.last)
        #expect(steered["positions"] as? String == "from:prompt-end")
        let vector = try #require(((steered["steering"] as? [String: Any])?["vectors"] as? [[String: Any]])?.first)
        #expect((vector["sha256"] as? String)?.count == 64 && vector["strength"] as? Double == 2)
        let record = try #require(doc["protocol"] as? [String: Any])
        #expect(record["task"] as? String == task && record["items"] as? Int == 3)
        #expect((record["data_sha256"] as? String)?.count == 64 && (record["model_sha256"] as? String)?.count == 64)
        #expect(record["bos"] as? Bool == false && record["precision"] as? String == "f32")
        #expect(record["template"] as? String == (task == "caa-ab" ? "chatml with the model's default system prompt" : "none"))
    }

    /// A steered run records its vector and default positions (from:prompt-end), and changes the option scores.
    @Test func steeringIsRecordedAndChangesTheScores() throws {
        let plain = try Self.document(Self.eval("copa", ["--limit", "4"]))
        let steered = try Self.document(Self.eval("copa", ["--limit", "4", "--steer", "\(try SteerCLITests.happy):4"]))
        let config = try #require((steered["configs"] as? [[String: Any]])?.first)
        #expect(config["positions"] as? String == "from:prompt-end")
        #expect(((config["steering"] as? [String: Any])?["vectors"] as? [[String: Any]])?.first?["strength"] as? Double == 4)
        func sums(_ doc: [String: Any]) -> [Double] {
            ((doc["items"] as? [[String: Any]]) ?? []).flatMap { (($0["scores"] as? [[String: Any]]) ?? []).compactMap { $0["sum"] as? Double } }
        }
        #expect(sums(plain).count == 8 && sums(steered).count == 8 && sums(plain) != sums(steered))
    }

    /// A JSON spec steers as a vector file does; an ITI spec that states no positions applies from:answer-start,
    /// recorded with the spec's format. (What from:answer-start steers is checked in `PrefixReuseTests`.)
    @Test func anITISpecSteersFromTheAnswerStart() throws {
        let golden = try SteerSpecGoldenCLITests.writeSpec("iti_l12_h1-4-7_seed99_a8", in: scratch.url)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: golden))) as? [String: Any])
        #expect(object.removeValue(forKey: "positions") as? String == "all")
        let spec = scratch.url.appending(path: "iti.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: spec))
        let plain = try Self.document(Self.eval("copa", ["--limit", "2"]))
        let steered = try Self.document(Self.eval("copa", ["--limit", "2", "--steer", "\(spec):4"]))
        let config = try #require((steered["configs"] as? [[String: Any]])?.first)
        #expect(config["positions"] as? String == "from:answer-start")
        #expect(((config["steering"] as? [String: Any])?["vectors"] as? [[String: Any]])?.first?["format"] as? String == "json")
        func sums(_ doc: [String: Any]) -> [Double] {
            ((doc["items"] as? [[String: Any]]) ?? []).flatMap { (($0["scores"] as? [[String: Any]]) ?? []).compactMap { $0["sum"] as? Double } }
        }
        #expect(sums(plain).count == 4 && sums(plain) != sums(steered))
    }

    /// --configs: one run, a metrics list in the file's order, per-item agreement for every pair; the unsteered
    /// configuration equals a plain run exactly.
    @Test func configurationsCompareInOneRun() throws {
        let happy = try SteerCLITests.happy
        let file = scratch.url.appending(path: "configs.json")
        try Data(#"[{"name": "unsteered"}, {"name": "happy+", "steer": ["\#(happy):2"]}, {"name": "happy-", "steer": ["\#(happy):-2"], "layers": "5-20"}]"#.utf8).write(to: file)
        let doc = try Self.document(Self.eval("arc-easy", ["--limit", "3", "--configs", file.path]))
        let list = try #require(doc["metrics"] as? [[String: Any]])
        #expect(list.map { $0["config"] as? String } == ["unsteered", "happy+", "happy-"])
        let agreement = try #require(doc["agreement"] as? [[String: Any]])
        #expect(agreement.count == 3 && agreement.allSatisfy { $0["items"] as? Int == 3 })
        let plain = try Self.document(Self.eval("arc-easy", ["--limit", "3"]))
        #expect((list[0]["metrics"] as? [String: Double]) == (plain["metrics"] as? [String: Double]))
        #expect((doc["items"] as? [Any])?.count == 9)
    }

    /// --alphas: one configuration per strength multiplier, each vector at S·alpha, alpha 0 exactly the unsteered run;
    /// the JSON records the grid and the HTML report charts the metrics against it.
    @Test func alphaGridRunsOneConfigurationPerStrength() throws {
        let happy = try SteerCLITests.happy
        let report = scratch.url.appending(path: "alphas.html").path
        let doc = try Self.document(Self.eval("copa", ["--limit", "3", "--steer", "\(happy):2", "--alphas", "-1,1", "--report", report]))
        #expect(doc["alphas"] as? [Double] == [-1, 0, 1])
        let configs = try #require(doc["configs"] as? [[String: Any]])
        #expect(configs.map { $0["name"] as? String } == ["alpha=-1", "alpha=0", "alpha=1"])
        #expect(((configs[0]["steering"] as? [String: Any])?["vectors"] as? [[String: Any]])?.first?["strength"] as? Double == -2)
        #expect(configs[1]["steering"] == nil)
        let plain = try Self.document(Self.eval("copa", ["--limit", "3"]))
        let list = try #require(doc["metrics"] as? [[String: Any]])
        #expect((list[1]["metrics"] as? [String: Double]) == (plain["metrics"] as? [String: Double]))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("copa against steering strength") && html.contains("alpha (steering strength multiplier)"))
    }

    /// Two shards merged give the document of the whole run: the same items and metrics.
    @Test func shardsMergeIntoTheWholeRun() throws {
        var paths: [String] = []
        for shard in ["0/2", "1/2"] {
            let run = try VeerProcess.run(Self.eval("copa-cloze", ["--limit", "5", "--shard", shard, "--json"]))
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let path = scratch.url.appending(path: "shard\(paths.count).json").path
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let merged = try Self.document(["eval", "merge"] + paths.reversed())
        let whole = try Self.document(Self.eval("copa-cloze", ["--limit", "5"]))
        #expect((merged["metrics"] as? [String: Double]) == (whole["metrics"] as? [String: Double]))
        func scores(_ doc: [String: Any]) -> [[Double]] {
            ((doc["items"] as? [[String: Any]]) ?? []).map { item in
                [Double(item["index"] as? Int ?? -1)] + ((item["scores"] as? [[String: Any]]) ?? []).compactMap { $0["sum"] as? Double }
            }
        }
        #expect(scores(merged) == scores(whole) && scores(merged).count == 5)
        let missing = try VeerProcess.run(["eval", "merge", paths[0]])
        #expect(missing.status != 0 && missing.stderr.contains("slices 1/2 are missing"), "\(missing.stderr)")
        let twice = try VeerProcess.run(["eval", "merge", paths[0], paths[0]])
        #expect(twice.status != 0 && twice.stderr.contains("are both slice 0/2"), "\(twice.stderr)")
    }

    /// --fold k/2 scores only fold k of KFold(2) over the items --limit keeps (the first half, one larger when odd, then
    /// the rest), with the same scores as the whole run; recorded in the selection; --shard slices within the fold.
    @Test func foldScoresOneHalfOfTheItems() throws {
        let whole = try Self.document(Self.eval("truthfulqa-mc", ["--limit", "5"]))
        func records(_ doc: [String: Any]) -> [[String: Any]] { (doc["items"] as? [[String: Any]]) ?? [] }
        func sums(_ record: [String: Any]) -> [Double] { ((record["scores"] as? [[String: Any]]) ?? []).compactMap { $0["sum"] as? Double } }
        for (fold, indices) in [("0/2", [0, 1, 2]), ("1/2", [3, 4])] {
            let doc = try Self.document(Self.eval("truthfulqa-mc", ["--limit", "5", "--fold", fold]))
            #expect(records(doc).map { $0["index"] as? Int } == indices)
            #expect(records(doc).map(sums) == indices.map { sums(records(whole)[$0]) })
            let selection = try #require(doc["selection"] as? [String: Any])
            #expect(selection["fold"] as? String == fold && selection["limit"] as? Int == 5)
            #expect((doc["protocol"] as? [String: Any])?["items"] as? Int == indices.count)
        }
        let sharded = try Self.document(Self.eval("truthfulqa-mc", ["--limit", "5", "--fold", "1/2", "--shard", "1/2"]))
        #expect(records(sharded).map { $0["index"] as? Int } == [3])
        let thirds = try Self.document(Self.eval("copa-cloze", ["--limit", "7", "--fold", "2/3"]))
        #expect(records(thirds).map { $0["index"] as? Int } == [5, 6])
    }

    /// --two-fold: a vector per fold, extracted on the other fold's questions and written; the steered metrics
    /// are the mean of the two folds' (and so are the unsteered ones).
    @Test func twoFoldExtractsOnOneFoldAndScoresTheOther() throws {
        let doc = try Self.document(Self.eval("truthfulqa-mc", ["--limit", "6", "--two-fold", "mean-diff",
                                                                "--extract-args", "--layers 10-11", "--vectors-out", scratch.url.path]))
        #expect((doc["selection"] as? [String: Any])?["folds"] as? [Int] == [3, 3])
        let configs = try #require(doc["configs"] as? [[String: Any]])
        #expect(configs.map { $0["name"] as? String } == ["unsteered", "mean-diff two-fold"])
        for config in configs {
            let folds = try #require(config["fold_metrics"] as? [[String: Double]])
            let metrics = try #require(config["metrics"] as? [String: Double])
            #expect(folds.count == 2)
            for key in ["mc1", "mc2", "mc3"] { #expect(abs(metrics[key]! - (folds[0][key]! + folds[1][key]!) / 2) < 1e-12) }
        }
        let vectors = try #require(configs[1]["vectors"] as? [String])
        #expect(vectors.map { URL(fileURLWithPath: $0).lastPathComponent } == ["truthfulqa-mean-diff-fold0.gguf", "truthfulqa-mean-diff-fold1.gguf"])
        #expect(vectors.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }

    /// --report writes Markdown or HTML with the metrics table; another extension is refused before any work.
    @Test func reportsInMarkdownAndHTML() throws {
        for name in ["r.md", "r.html"] {
            let path = scratch.url.appending(path: name).path
            let run = try VeerProcess.run(Self.eval("boolq", ["--limit", "2", "--report", path]))
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains("accuracy") && text.contains("boolq") && text.contains("sha256"))
            #expect(name.hasSuffix("html") ? text.hasPrefix("<!doctype html>") : text.hasPrefix("# veer eval mc: boolq"))
            #expect(run.stdout.contains("accuracy"))
        }
        let bad = try VeerProcess.run(Self.eval("boolq", ["--limit", "2", "--report", scratch.url.appending(path: "r.txt").path]))
        #expect(bad.status != 0 && bad.stderr.contains("expected a .md (Markdown) or .html file name"))
    }

    /// Bad input: each message names the option or file and what was expected.
    @Test(arguments: [
        (["--shard", "2/2"], "--shard 2/2: expected i/n with 0 <= i < n"),
        (["--limit", "0"], "--limit 0: expected a whole number >= 1"),
        (["--limit", "5000"], "--limit 5000: the copa data has 1000 items"),
        (["--two-fold", "iti"], "--two-fold splits TruthfulQA questions"),
        (["--data", "/nonexistent-veer-data"], "/nonexistent-veer-data/copa/copa_mc.jsonl"),
        (["--fold", "2/2"], "--fold 2/2: expected k/n with n >= 2 and 0 <= k < n (0-based), e.g. 1/2"),
        (["--fold", "1"], "--fold 1: expected k/n"),
        (["--limit", "1", "--fold", "1/2"], "--fold 1/2: 1 items cannot be split into 2 folds"),
        (["--alphas", "-1,1"], "--alphas scales the --steer vectors: give it with --steer"),
        (["--alphas", "1:2", "--steer", "x.gguf"], "--alphas 1:2: expected three parts A:B:N, got 2"),
    ])
    func badArgumentsAreNamed(_ more: [String], _ message: String) throws {
        let run = try VeerProcess.run(Self.eval("copa", more))
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
    }

    @Test func malformedConfigurationsAreNamed() throws {
        let file = scratch.url.appending(path: "configs.json")
        try Data(#"[{"name": "a"}, {"name": "b", "stear": ["x.gguf"]}]"#.utf8).write(to: file)
        let run = try VeerProcess.run(Self.eval("copa", ["--configs", file.path]))
        #expect(run.status != 0 && run.stderr.contains("configuration 1: unknown key \"stear\""), "stderr: \(run.stderr)")
    }

    /// The Vulkan backend (lavapipe) decides the items of a COPA subset as the CPU backend does.
    @Test(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"))
    func vulkanDecidesAsTheCPU() throws {
        func predictions(_ backend: String) throws -> [Int] {
            let doc = try Self.document(["eval", "mc", "--task", "copa", "--limit", "3", "--backend", backend])
            return ((doc["items"] as? [[String: Any]]) ?? []).compactMap { $0["prediction"] as? Int }
        }
        let cpu = try predictions("cpu")
        let vulkan = try predictions("vulkan")
        #expect(cpu.count == 3 && vulkan == cpu)
    }
}
