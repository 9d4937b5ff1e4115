import Analysis
import Evaluation
import Foundation
import GGUF
import Kernels
import Llama
import Tokenizers

/// Runs the stages of `veer sweep search` on one loaded model: extraction and scoring share the session.
struct SweepSearchRunner {
    var setup: SweepSearchSetup
    var started: Date

    /// Sizes the KV cache for TruthfulQA (its longest prompt and answer, and at least 512 positions for the
    /// extraction texts, CAA's chat-formatted items the longest), loads the model and runs the stages.
    func run(opened: (path: URL, file: GGUFFile, tokenizer: Tokenizer)) throws -> SweepSearchDocument {
        let options = setup.command.modelOptions
        let addBOS = options.bos ?? opened.tokenizer.vocabulary.addsBOS
        let tokenized = try TokenizedTask(items: setup.data.items, tokenizer: opened.tokenizer, template: nil, addBOS: addBOS)
        let config = try LlamaConfig(from: opened.file)
        let contextSize = min(config.contextLength, max(tokenized.positionsNeeded, 512))
        let slots = ScoringCacheSize.slots(given: setup.command.slots, config: config, contextSize: contextSize)
        return try ModelLoader.run(options, slots: slots, maxRows: 512, contextSize: contextSize, opened: opened,
                                   task: Task(setup: setup, started: started, slots: slots))
    }

    struct Task: ModelTask {
        var setup: SweepSearchSetup
        var started: Date
        var slots: Int

        var plan: SearchPlan { setup.plan }

        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> SweepSearchDocument {
            let scratch = FileManager.default.temporaryDirectory.appending(path: "veer-search-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let log = SweepSearchVectors<B>.ExtractionLog()
            let vectors = SweepSearchVectors(session: s, dataFile: setup.data.file, log: log)
            var stages: [SweepSearchDocument.StageRecord] = []
            var chosen: [SweepSearchDocument.Chosen]?
            var next: String?
            switch setup.command.stage {
            case .all:
                let (layers, files) = try layerStage(s, vectors: vectors, scratch: scratch)
                stages.append(layers)
                let strengths = try strengthStage(s, layers: bestLayers(layers), baseFiles: files, vectors: vectors, scratch: scratch)
                stages.append(strengths)
                chosen = try finalStage(best: bestRows(strengths), vectors: vectors, scratch: scratch)
            case .layers:
                stages.append(try layerStage(s, vectors: vectors, scratch: scratch).record)
                next = setup.shard != nil ? "veer sweep search --merge LAYER-SHARDS.json --json > layers.json"
                    : "veer sweep search --stage strengths --from THIS.json --methods \(setup.command.methods) --validation \(plan.split.validation.count)"
            case .strengths:
                stages.append(try strengthStage(s, layers: setup.chosenLayers, baseFiles: nil, vectors: vectors, scratch: scratch))
                next = setup.shard != nil ? "veer sweep search --merge STRENGTH-SHARDS.json --json > strengths.json"
                    : "veer sweep search --stage final --from THIS.json --methods \(setup.command.methods) --validation \(plan.split.validation.count) --out DIR"
            case .final:
                chosen = try finalStage(best: setup.chosenRows, vectors: vectors, scratch: scratch)
            }
            if chosen != nil {
                next = "veer eval mc --task truthfulqa-mc --fold 1/2 --configs \(configsPath)"
            }
            return SweepSearchDocument(stage: setup.command.stage.rawValue, plan: setup.planRecord(perPair: SweepSearchCost.perPair),
                                       stages: stages, extractions: log.records, chosen: chosen,
                                       configs_file: chosen == nil ? nil : configsPath,
                                       next: next, run: s.manifest, wall_seconds: Date().timeIntervalSince(started))
        }

        var configsPath: String { URL(fileURLWithPath: setup.command.out ?? ".").appending(path: "configs.json").path }

        /// Stage 1: every method at every layer with its defaults, extracted on the extraction questions.
        func layerStage<B: ComputeBackend>(_ s: ModelSession<B>, vectors: SweepSearchVectors<B>,
                                           scratch: URL) throws -> (record: SweepSearchDocument.StageRecord, files: [SearchCandidate: String]) {
            let start = Date()
            vectors.log.stage = "layers"
            var files: [SearchCandidate: String] = [:]
            for method in plan.methods {
                let perLayer = try vectors.layerFiles(method, layers: plan.layers, questions: plan.split.extraction, directory: scratch)
                for (layer, file) in perLayer { files[.defaults(method, layer: layer)] = file }
            }
            let candidates = plan.layerCandidates
            let record = try score("layers", candidates: candidates, files: candidates.map { files[$0]! }, s, start: start)
            return (record, files)
        }

        /// Stage 2: each method's grid at its layer: variants of its stage-1 file (or, run alone, of a file
        /// extracted again at that layer on the extraction questions).
        func strengthStage<B: ComputeBackend>(_ s: ModelSession<B>, layers: [SearchMethod: Int], baseFiles: [SearchCandidate: String]?,
                                              vectors: SweepSearchVectors<B>, scratch: URL) throws -> SweepSearchDocument.StageRecord {
            let start = Date()
            vectors.log.stage = "strengths"
            var bases: [SearchMethod: String] = [:]
            for method in plan.methods {
                let layer = layers[method]!
                if let file = baseFiles?[.defaults(method, layer: layer)] { bases[method] = file; continue }
                let out = scratch.appending(path: "\(method.rawValue)-L\(layer)-base.gguf").path
                try vectors.extract(method, questions: plan.split.extraction, layers: [layer], out: out)
                bases[method] = out
            }
            let candidates = plan.strengthCandidates(layers: layers)
            let files = try candidates.map { candidate in
                let out = scratch.appending(path: "\(candidate.fileStem).gguf").path
                try SweepSearchVectors<B>.variant(of: bases[candidate.method]!, candidate, out: out)
                return out
            }
            return try score("strengths", candidates: candidates, files: files, s, start: start)
        }

        /// Scores the unsteered model and every candidate on this run's validation questions, in one evaluation.
        func score<B: ComputeBackend>(_ name: String, candidates: [SearchCandidate], files: [String], _ s: ModelSession<B>,
                                      start: Date) throws -> SweepSearchDocument.StageRecord {
            var configurations = [EvalConfiguration.unsteered]
            for (candidate, file) in zip(candidates, files) {
                configurations.append(EvalConfiguration(name: candidate.name, steering: try SteeringOptions.parse(["--steer", file]), twoFold: nil))
            }
            let items = setup.validationQuestions.map { setup.data.items[$0] }
            Console.note("search: stage \(name): \(configurations.count) configurations × \(items.count) validation questions")
            let runner = EvalRunner(command: try EvalMCCommand.parse(["--task", MCTaskName.truthfulqaMC.rawValue]), data: setup.data,
                                    items: items, configurations: configurations, started: start)
            let tokenized = try TokenizedTask(items: items, tokenizer: s.tokenizer, template: nil, addBOS: s.addBOS)
            var evaluation = try EvalRunner.Task(runner: runner, tokenized: tokenized, template: nil, slots: slots).run(s)
            evaluation.selection.shard = setup.shard?.description
            let record = SweepSearchMerge.stageRecord(name, candidates: candidates, evaluation: evaluation,
                                                      keepEvaluation: setup.shard != nil, wallSeconds: Date().timeIntervalSince(start))
            Console.note(SweepSearchReport.stageText(record))
            return record
        }

        func bestLayers(_ record: SweepSearchDocument.StageRecord) -> [SearchMethod: Int] {
            Dictionary(uniqueKeysWithValues: record.best.map { ($0.candidate.method, $0.candidate.layer) })
        }

        func bestRows(_ record: SweepSearchDocument.StageRecord) -> [SearchMethod: SearchRow] {
            Dictionary(uniqueKeysWithValues: record.best.map { ($0.candidate.method, $0) })
        }

        /// The final stage: each winner re-extracted on the whole training fold at its layer, with its strength (and
        /// gate), into --out DIR, and DIR/configs.json listing the unsteered model and every winner.
        func finalStage<B: ComputeBackend>(best: [SearchMethod: SearchRow], vectors: SweepSearchVectors<B>,
                                           scratch: URL) throws -> [SweepSearchDocument.Chosen] {
            let directory = URL(fileURLWithPath: setup.command.out!)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var chosen: [SweepSearchDocument.Chosen] = []
            var configs: [[String: Any]] = [["name": "unsteered"]]
            vectors.log.stage = "final"
            for method in plan.methods {
                let row = best[method]!, candidate = row.candidate
                let extracted = scratch.appending(path: "\(method.rawValue)-L\(candidate.layer)-training-fold.gguf").path
                try vectors.extract(method, questions: plan.split.trainingFold, layers: [candidate.layer], out: extracted)
                let name = "truthfulqa-\(candidate.fileStem).gguf"
                let warnings = try SweepSearchVectors<B>.variant(of: extracted, candidate, out: directory.appending(path: name).path)
                for warning in warnings { Console.note("note: \(warning)") }
                chosen.append(.init(method: method.rawValue, candidate: candidate, config: candidate.name, vector: name,
                                    validation_mc1: row.mc1, validation_mc2: row.mc2))
                configs.append(["name": candidate.name, "steer": [name]])
            }
            let data = try JSONSerialization.data(withJSONObject: configs, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try (data + Data("\n".utf8)).write(to: directory.appending(path: "configs.json"))
            Console.note("search: wrote \(configsPath) and \(chosen.count) vectors; the held-out score: veer eval mc --task truthfulqa-mc --fold 1/2 --configs \(configsPath)")
            return chosen
        }
    }
}
