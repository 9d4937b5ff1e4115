import Evaluation
import Foundation

/// What `veer eval mc --json` prints and `veer eval merge` reads: the protocol, every configuration's metrics and
/// per-item scores, and the run manifest.
struct EvalDocument: Codable {
    /// The pinned protocol, recorded in every result so numbers are comparable and reproducible.
    struct ProtocolRecord: Codable, Equatable {
        var task: String
        var data_file: String
        var data_sha256: String
        /// Items in the data file, and how many this run scored (after --limit and --shard).
        var items_in_file: Int
        var items: Int
        var summary: String
        var scoring: String
        /// "none", or the chat template's name (caa-ab).
        var template: String
        var bos: Bool
        var tokenization: String
        var precision: String
        var model_sha256: String
    }

    /// Which items of the file this document holds.
    struct Selection: Codable, Equatable {
        var limit: Int?
        /// "k/n": fold k of n (KFold, after limit, before shard).
        var fold: String?
        /// "i/n": items k with k mod n == i.
        var shard: String?
        /// TruthfulQA --two-fold: fold sizes (question-level KFold(2) in file order).
        var folds: [Int]?
    }

    /// One configuration: its name, what steered it, and its metrics.
    struct Configuration: Codable {
        var name: String
        var steering: SteeringManifest?
        /// The positions the steering applied to (nil: unsteered).
        var positions: String?
        var metrics: [String: Double]
        /// --two-fold: metrics of each fold (their mean is `metrics`).
        var fold_metrics: [[String: Double]]?
        var degenerate_items: Int
        var wall_seconds: Double
        /// Vector files this configuration wrote (--two-fold), one per fold.
        var vectors: [String]?
    }

    /// How often two configurations decided an item the same way (the predicted option; MC1 for TruthfulQA).
    struct Agreement: Codable, Equatable {
        var a: String
        var b: String
        var agreement: Double
        var items: Int
    }

    /// One item's result under one configuration.
    struct ItemRecord: Codable {
        var config: String
        var result: MCItemResult

        enum Keys: String, CodingKey { case config }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(config, forKey: .config)
            try result.encode(to: encoder)
        }
        init(config: String, result: MCItemResult) { self.config = config; self.result = result }
        init(from decoder: Decoder) throws {
            config = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .config)
            result = try MCItemResult(from: decoder)
        }
    }

    /// One configuration: a flat object of metrics; several: a list of {"config", "metrics"}.
    enum Metrics: Codable {
        case single([String: Double])
        case several([Named])
        struct Named: Codable { var config: String; var metrics: [String: Double] }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .single(let metrics): try container.encode(metrics)
            case .several(let list): try container.encode(list)
            }
        }
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([Named].self) { self = .several(list) } else {
                self = .single(try container.decode([String: Double].self))
            }
        }
        init(_ configurations: [Configuration]) {
            self = configurations.count == 1 ? .single(configurations[0].metrics)
                : .several(configurations.map { Named(config: $0.name, metrics: $0.metrics) })
        }
    }

    var metrics: Metrics
    /// --alphas: each configuration's strength multiplier, in the configurations' order.
    var alphas: [Double]? = nil
    var `protocol`: ProtocolRecord
    var selection: Selection
    var configs: [Configuration]
    var agreement: [Agreement]?
    var items: [ItemRecord]
    var run: RunManifest
    var wall_seconds: Double
}
