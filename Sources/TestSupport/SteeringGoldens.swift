import Foundation

/// The parts of Tests/Goldens/cvector-happy-generations.json the tests read: the training prompts of llama.cpp's
/// control vectors, and llama.cpp runs with those vectors at several scales and layer ranges, in two flavours
/// (`reference_f32_weights` is the one `--precision f32` must match).
public struct CVectorGoldens: Decodable, Sendable {
    public struct Prompt: Decodable, Sendable { public var id: String; public var text: String }
    /// One prompt per line in llama.cpp's prompt files, with literal "\n" escapes.
    public struct TrainingPrompts: Decodable, Sendable {
        public var positive: [String]
        public var negative: [String]

        /// Writes them as llama-cvector-generator's prompt files, positive.txt and negative.txt in `directory`, for
        /// `veer extract --positive-file … --negative-file …`.
        public func writePromptFiles(in directory: URL) throws -> (positive: URL, negative: URL) {
            let files = (positive: directory.appending(path: "positive.txt"), negative: directory.appending(path: "negative.txt"))
            try positive.joined(separator: "\n").write(to: files.positive, atomically: true, encoding: .utf8)
            try negative.joined(separator: "\n").write(to: files.negative, atomically: true, encoding: .utf8)
            return files
        }
    }
    /// A file whose `training_prompts` are llama-cvector-generator's (`arch/gemma3-270m-cvector.json`).
    public struct TrainingPromptsFile: Decodable, Sendable { public var training_prompts: TrainingPrompts }
    public struct Flavour: Decodable, Sendable {
        public var last_top20: [[Double]]
        public var greedy_tokens: [Int32]
        public var greedy_top1_margins: [Double]
    }
    public struct Run: Decodable, Sendable {
        public var method: String
        public var scale: Float
        public var layer_range: [Int]
        public var prompt_id: String
        public var vector_file: String
        public var reference_f32_weights: Flavour
    }
    public var training_prompts: TrainingPrompts
    public var prompts: [Prompt]
    public var runs: [Run]

    public static let fileName = "cvector-happy-generations.json"
    private static let loaded = Result { try GoldenFile.decode(CVectorGoldens.self, from: fileName) }
    public static var shared: CVectorGoldens { get throws { try loaded.get() } }

    public static func prompt(_ id: String) throws -> String {
        try GoldenFile.entry(shared.prompts.first { $0.id == id }, in: fileName, named: "prompt \(id)").text
    }

    /// Runs as "method scale range prompt" names, for test arguments.
    public static func runNames() throws -> [String] { try shared.runs.map(name) }

    public static func run(named name: String) throws -> Run {
        try GoldenFile.entry(shared.runs.first { Self.name($0) == name }, in: fileName, named: "run \(name)")
    }

    static func name(_ r: Run) -> String {
        "\(r.method) s=\(r.scale) \(r.layer_range[0])-\(r.layer_range[1]) \(r.prompt_id)"
    }
}

/// The parts of Tests/Goldens/steering-reference.json the tests read: configurations of an independent NumPy
/// implementation of the spec, validated against llama.cpp F32.
public struct SteeringReference: Decodable, Sendable {
    public struct Prompt: Decodable, Sendable { public var id: String; public var tokens: [Int32] }
    public struct Unit: Decodable, Sendable { public var layer: Int; public var dim: Int; public var b: Float }
    public struct Head: Decodable, Sendable { public var head: Int; public var sigma: Float; public var theta: [Float] }
    public struct Params: Decodable, Sendable {
        public var site: String
        public var layer: Int?
        public var s: Float?
        public var v: [Float]?
        public var alpha: Float?
        public var units: [Unit]?
        public var heads: [Head]?
        public var head_dim: Int?
        public var gated: Bool?
        public var mu: [Float]?
        public var kappa: Float?
        public var beta: Float?
        public var t: Float?
    }
    public struct Result: Decodable, Sendable {
        public var last_top20: [[Double]]
        public var greedy_tokens: [Int32]
        public var greedy_top1_margins: [Double]
        public var greedy_first_low_margin_step: Int
        /// What the rotation did, for the Spherical configurations.
        public var spherical: SphericalDiagnostics?
    }
    /// The reference's Spherical diagnostics at resid_post[layer]: per prompt position the cosine to mu, the gate
    /// value t (0 where the gate is closed), whether the gate opened and whether the row was rotated; at the last
    /// prompt position also the norms before and after.
    public struct SphericalDiagnostics: Decodable, Sendable {
        public struct AllPositions: Decodable, Sendable {
            public var cos: [Double]
            public var t: [Double]
            public var gate_open: [Bool]
            public var rotated: [Bool]
        }
        public struct LastPosition: Decodable, Sendable {
            public var cos: Double
            public var t: Double
            public var rotated: Bool
            public var norm_before: Double
            public var norm_after: Double
        }
        public var all_prompt_positions: AllPositions
        public var last_prompt_position: LastPosition
    }
    public struct Config: Decodable, Sendable {
        public var id: String
        public var method: String
        public var params: Params
        public var results: [String: Result]

        /// The reference result on prompt `id`.
        public func result(_ prompt: String) throws -> Result {
            try GoldenFile.entry(results[prompt], in: SteeringReference.fileName, named: "result for \(prompt) in configuration \(id)")
        }
    }
    /// Free text per key: what a correct float32 implementation reaches, and where a bug starts.
    public var tolerances: [String: String]
    public var prompts: [Prompt]
    public var configs: [Config]

    public static let fileName = "steering-reference.json"
    private static let loaded = Swift.Result { try GoldenFile.decode(SteeringReference.self, from: fileName) }
    public static var shared: SteeringReference { get throws { try loaded.get() } }

    public static func config(_ id: String) throws -> Config {
        try GoldenFile.entry(shared.configs.first { $0.id == id }, in: fileName, named: "configuration \(id)")
    }

    public static func tokens(_ prompt: String) throws -> [Int32] {
        try GoldenFile.entry(shared.prompts.first { $0.id == prompt }, in: fileName, named: "prompt \(prompt)").tokens
    }
}

extension Array where Element == [Double] {
    /// [(id, logit)] from the goldens' [[id, logit]] pairs.
    public var top20: [(id: Int32, logit: Float)] { map { (Int32($0[0]), Float($0[1])) } }
}
