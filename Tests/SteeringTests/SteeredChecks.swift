import Foundation
import GGUF
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Steering
import Testing
import TestSupport
import Tokenizers
import VulkanRuntime

enum SteeredChecks {
    /// Runs prompt + the golden greedy tokens in one steered pass (teacher forcing: every step checked for the cost of
    /// one prefill). Row 0's logits must match the golden top-20; each step's argmax must equal the golden token
    /// until `firstLowMargin` when the golden names that step (-1: none), else until the first step whose golden top-1
    /// margin is below `nearTie`. Returns the max top-20 difference.
    @discardableResult
    static func teacherForced<B: ComputeBackend>(
        _ model: LlamaModel<B>, prompt: [Int32], greedy: [Int32], margins: [Double], top20: [(id: Int32, logit: Float)],
        steering: (SequenceSpan) throws -> SequenceSteering, nearTie: Double = 0.1, firstLowMargin: Int? = nil, context: String
    ) throws -> Float {
        let steps = min(greedy.count, model.maxRows - prompt.count + 1)
        let forced = prompt + greedy.prefix(steps - 1)
        var batch = ForwardBatch.prefill(forced)
        batch.logitRows = Array(prompt.count - 1 ..< forced.count)
        let sequence = try steering(SequenceSpan(promptLength: prompt.count))
        let batchSteering = try BatchSteering(model: model, sequences: [sequence])
        try model.forward(batch, steering: batchSteering.forward)
        let logits = try model.readLogits(rows: steps)
        let worst = expectMatchesTop20(logits[0], golden: top20, context: context)
        let firstTie = firstLowMargin.map { $0 < 0 ? steps : min($0, steps) } ?? margins.prefix(steps).firstIndex { $0 < nearTie } ?? steps
        let ours = argmaxRows(Array(logits.prefix(firstTie)))
        #expect(ours == Array(greedy.prefix(firstTie)), "\(context): greedy diverged before the first near-tie at step \(firstTie)")
        return worst
    }

    /// One llama.cpp control-vector run of the golden file, on any backend.
    static func cvectorRun<B: ComputeBackend>(_ model: LlamaModel<B>, _ name: String, backend: String) throws {
        let run = try CVectorGoldens.run(named: name)
        let prompt = try SteeringModelFixture.tokenizer.encode(CVectorGoldens.prompt(run.prompt_id), parseSpecial: true, addBOS: false).ids
        let vector = try run.vector_file == "cvector-happy.gguf" ? SteeringModelFixture.happy : SteeringModelFixture.happyPCA
        let layers = LayerSelection(range: run.layer_range[0]...run.layer_range[1])
        let golden = run.reference_f32_weights
        let worst = try teacherForced(model, prompt: prompt, greedy: golden.greedy_tokens, margins: golden.greedy_top1_margins,
                                      top20: golden.last_top20.top20, steering: {
            try SequenceSteering.additive([(vector, run.scale)], layers: layers, span: $0)
        }, context: "\(name) [\(backend)]")
        print("[\(backend)] cvector \(name): max |logit - F32 golden| over the shared top-20 = \(worst)")
    }

    /// The edits of a steering-reference.json configuration (additive, AUSteer on mlp_out, ITI on heads_concat,
    /// Spherical gated and ungated at resid_post), built directly (the CLI tests go through JSON specs instead).
    static func referenceEdits(_ config: SteeringReference.Config, headsWidth: Int) throws -> [SiteKey: SiteEdit] {
        let p = config.params
        /// A parameter the configuration's method needs; its absence fails the test, naming the configuration and key.
        func required<T>(_ value: T?, _ key: String) throws -> T {
            try GoldenFile.entry(value, in: SteeringReference.fileName, named: "params.\(key) in configuration \(config.id)")
        }
        switch config.method {
        case "additive":
            let s = try required(p.s, "s")
            return [SiteKey(block: try required(p.layer, "layer"), site: .residPost): SiteEdit(add: try required(p.v, "v").map { s * $0 })]
        case "austeer":
            var edits: [SiteKey: SiteEdit] = [:]
            let alpha = try required(p.alpha, "alpha")
            for unit in try required(p.units, "units") {
                let key = SiteKey(block: unit.layer, site: .mlpOut)
                var edit = edits[key] ?? SiteEdit(unitAlpha: alpha)
                edit.units.append((UInt32(unit.dim), unit.b))
                edits[key] = edit
            }
            return edits
        case "iti":
            var add = [Float](repeating: 0, count: headsWidth)
            let alpha = try required(p.alpha, "alpha"), headDim = try required(p.head_dim, "head_dim")
            for head in try required(p.heads, "heads") {
                for (i, theta) in head.theta.enumerated() { add[head.head * headDim + i] = alpha * head.sigma * theta }
            }
            return [SiteKey(block: try required(p.layer, "layer"), site: .headsConcat): SiteEdit(add: add)]
        case "spherical":
            let mu = try required(p.mu, "mu"), alpha = try required(p.alpha, "alpha")
            let rotation = try required(p.gated, "gated")
                ? SphericalRotation(mu: mu, kappa: try required(p.kappa, "kappa"), alpha: alpha, beta: try required(p.beta, "beta"))
                : .ungated(mu: mu, t: alpha)
            return [SiteKey(block: try required(p.layer, "layer"), site: .residPost): SiteEdit(rotation: rotation)]
        default:
            throw GoldenEntryMissing(file: SteeringReference.fileName, entry: "method the tests know in configuration \(config.id) (\(config.method))")
        }
    }

    /// The same configuration as one entry at strength 1 (each edit becomes its interventions), for composition.
    static func referenceEntry(_ config: SteeringReference.Config, headsWidth: Int) throws -> SteeringEntry {
        var interventions: [Intervention] = []
        for (key, edit) in try referenceEdits(config, headsWidth: headsWidth).sorted(by: { $0.key < $1.key }) {
            if let add = edit.add { interventions.append(.add(block: key.block, site: key.site, vector: add)) }
            if !edit.units.isEmpty {
                interventions.append(.scaleUnits(block: key.block, site: key.site, units: edit.units.map {
                    Intervention.Unit(index: $0.index, coefficient: $0.coefficient) }, alpha: edit.unitAlpha))
            }
            if let rotation = edit.rotation { interventions.append(.rotate(block: key.block, rotation: rotation)) }
        }
        return SteeringEntry(name: config.id, method: try #require(SteeringMethod(rawValue: config.method)), interventions: interventions)
    }

    static func referenceConfig<B: ComputeBackend>(_ model: LlamaModel<B>, _ id: String, prompt: String, backend: String) throws {
        let config = try SteeringReference.config(id)
        let result = try config.result(prompt)
        let edits = try referenceEdits(config, headsWidth: model.config.qWidth)
        let worst = try teacherForced(
            model, prompt: try SteeringReference.tokens(prompt), greedy: result.greedy_tokens, margins: result.greedy_top1_margins,
            top20: result.last_top20.top20, steering: { SequenceSteering(edits: edits, span: $0) },
            firstLowMargin: result.greedy_first_low_margin_step, context: "\(id) \(prompt) [\(backend)]")
        print("[\(backend)] \(id) \(prompt): max |logit - reference| over the shared top-20 = \(worst)")
    }
}
