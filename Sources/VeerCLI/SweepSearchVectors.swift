import Analysis
import Foundation
import Kernels
import Steering

/// The search's vector files: extracted on TruthfulQA questions by `veer extract` (through the inputs the two-fold
/// protocol builds), cut to one block, and rewritten with a candidate's strength and gate.
struct SweepSearchVectors<B: ComputeBackend> {
    var session: ModelSession<B>
    /// The TruthfulQA mc_task.json the questions come from.
    var dataFile: String
    /// Every extraction made, in order.
    var log: ExtractionLog

    /// The extractions of a run, appended as they finish.
    final class ExtractionLog {
        var records: [SweepSearchDocument.ExtractionRecord] = []
        /// The stage the next extractions belong to.
        var stage = ""
    }

    /// Runs `veer extract --method M --layers L1,L2,... --out FILE` on `questions` with the method's defaults.
    func extract(_ method: SearchMethod, questions: Range<Int>, layers: [Int], out: String) throws {
        let start = Date()
        defer {
            log.records.append(.init(stage: log.stage, method: method.rawValue, layers: layers, questions: questions,
                                     seconds: Date().timeIntervalSince(start)))
        }
        let extractMethod = ExtractCommand.Method(rawValue: method.rawValue)!
        Console.note("search: extracting \(method.rawValue) at blocks \(layers.map(String.init).joined(separator: ",")) on questions \(questions.lowerBound)..<\(questions.upperBound)")
        try EvalTwoFold.withScratchInputs(method: extractMethod, truthfulqa: dataFile, questions: questions) { inputs in
            let command = try ExtractCommand.parse(["--method", method.rawValue, "--out", out,
                                                    "--layers", layers.map(String.init).joined(separator: ",")] + inputs)
            _ = try ExtractCommand.Task(command: command).run(session)
        }
    }

    /// Each layer's file of `method` at its defaults, extracted on `questions` into `directory`: one extraction per
    /// layer for the methods that select across blocks, else one over every layer, cut into one file per block.
    func layerFiles(_ method: SearchMethod, layers: [Int], questions: Range<Int>, directory: URL) throws -> [Int: String] {
        var files: [Int: String] = [:]
        if method.selectsAcrossBlocks {
            for layer in layers {
                let out = directory.appending(path: "\(method.rawValue)-L\(layer).gguf").path
                try extract(method, questions: questions, layers: [layer], out: out)
                files[layer] = out
            }
        } else {
            let grid = directory.appending(path: "\(method.rawValue)-grid.gguf").path
            try extract(method, questions: questions, layers: layers, out: grid)
            let vector = try SteeringVector.load(path: grid)
            for layer in layers {
                let out = directory.appending(path: "\(method.rawValue)-L\(layer).gguf").path
                try Self.block(layer, of: vector, name: out).write(to: out)
                files[layer] = out
            }
        }
        return files
    }

    /// `vector` with only block `block`'s direction (and norm).
    static func block(_ block: Int, of vector: SteeringVector, name: String) throws -> SteeringVector {
        guard let direction = vector.directions[block] else {
            throw SearchError("\(vector.name): has no direction at block \(block) (it has \(vector.blocks))")
        }
        var info = vector.info
        info.layerNorms = info.layerNorms.filter { $0.key == block }
        return try SteeringVector(directions: [block: direction], info: info, name: name)
    }

    /// The file at `path` with the candidate's strength, and for Spherical its gate (κ 20, the candidate's β),
    /// written to `out`. Returns the writer's warnings (llama.cpp compatibility notes).
    @discardableResult
    static func variant(of path: String, _ candidate: SearchCandidate, out: String) throws -> [String] {
        var vector = try SteeringVector.load(path: path)
        vector.info.strength = candidate.strength
        if let beta = candidate.beta {
            vector.info.sphericalGate = SphericalGate(gated: true, kappa: SearchMethod.kappa, beta: beta)
        }
        vector.name = out
        return try vector.write(to: out)
    }
}
