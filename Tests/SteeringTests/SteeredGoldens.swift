import Foundation
import TestSupport

/// The parts of ../shared/golden/cvector-happy-generations.json the steered-model tests read: llama.cpp runs with
/// its control vectors at several scales and layer ranges, in two flavours (`reference_f32_weights` is the one
/// `--precision f32` must match).
struct CVectorGoldens: Decodable {
    struct Prompt: Decodable { var id: String; var text: String }
    struct Flavour: Decodable {
        var last_top20: [[Double]]
        var greedy_tokens: [Int32]
        var greedy_top1_margins: [Double]
    }
    struct Run: Decodable {
        var method: String
        var scale: Float
        var layer_range: [Int]
        var prompt_id: String
        var vector_file: String
        var reference_f32_weights: Flavour
    }
    var prompts: [Prompt]
    var runs: [Run]

    static let shared: CVectorGoldens = try! JSONDecoder().decode(
        CVectorGoldens.self, from: Data(contentsOf: sharedGoldenDirectory.appending(path: "cvector-happy-generations.json")))

    static func prompt(_ id: String) -> String { shared.prompts.first { $0.id == id }!.text }
    /// Runs as "method scale range prompt" names, for test arguments.
    static var runNames: [String] { shared.runs.indices.map(name) }
    static func name(_ i: Int) -> String {
        let r = shared.runs[i]
        return "\(r.method) s=\(r.scale) \(r.layer_range[0])-\(r.layer_range[1]) \(r.prompt_id)"
    }
    static func run(named name: String) -> Run { shared.runs[runNames.firstIndex(of: name)!] }
}

/// The parts of ../shared/golden/steering-reference.json used here: configurations of an independent NumPy
/// implementation of the spec, validated against llama.cpp F32.
struct SteeringReference: Decodable {
    struct Prompt: Decodable { var id: String; var tokens: [Int32] }
    struct Unit: Decodable { var layer: Int; var dim: Int; var b: Float }
    struct Head: Decodable { var head: Int; var sigma: Float; var theta: [Float] }
    struct Params: Decodable {
        var site: String
        var layer: Int?
        var s: Float?
        var v: [Float]?
        var alpha: Float?
        var units: [Unit]?
        var heads: [Head]?
        var head_dim: Int?
    }
    struct Result: Decodable {
        var last_top20: [[Double]]
        var greedy_tokens: [Int32]
        var greedy_top1_margins: [Double]
        var greedy_first_low_margin_step: Int
    }
    struct Config: Decodable { var id: String; var method: String; var params: Params; var results: [String: Result] }
    var prompts: [Prompt]
    var configs: [Config]

    static let shared: SteeringReference = try! JSONDecoder().decode(
        SteeringReference.self, from: Data(contentsOf: sharedGoldenDirectory.appending(path: "steering-reference.json")))

    static func config(_ id: String) -> Config { shared.configs.first { $0.id == id }! }
    static func tokens(_ prompt: String) -> [Int32] { shared.prompts.first { $0.id == prompt }!.tokens }
}

extension Array where Element == [Double] {
    /// [(id, logit)] from the goldens' [[id, logit]] pairs.
    var top20: [(id: Int32, logit: Float)] { map { (Int32($0[0]), Float($0[1])) } }
}
