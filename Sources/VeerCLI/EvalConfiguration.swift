import Analysis
import ArgumentParser
import Foundation
import Steering

/// One way to run the model in an evaluation: unsteered, steered by `--steer`-style options, or (TruthfulQA
/// --two-fold) steered by a vector extracted on the other fold.
struct EvalConfiguration {
    var name: String
    /// nil: unsteered (or two-fold, which makes its own).
    var steering: SteeringOptions?
    /// --two-fold: the extraction method.
    var twoFold: ExtractCommand.Method?
    /// --alphas: the strength multiplier this configuration runs the --steer vectors at.
    var alpha: Double? = nil

    static let unsteered = EvalConfiguration(name: "unsteered", steering: nil, twoFold: nil)

    /// The configurations a command asks for: --configs FILE, --two-fold (unsteered beside the two-fold vectors),
    /// --steer (one steered configuration, named by its arguments), or unsteered.
    static func list(command: EvalMCCommand) throws -> [EvalConfiguration] {
        if let path = command.configs { return try load(path) }
        if let method = command.twoFold {
            return [.unsteered, EvalConfiguration(name: "\(method.rawValue) two-fold", steering: nil, twoFold: method)]
        }
        guard command.steering.isActive else { return [.unsteered] }
        if let grid = try command.alphaGrid() { return try scaled(command.steering, over: grid) }
        return [EvalConfiguration(name: try command.steering.vectorArguments.joined(separator: " + "),
                                  steering: command.steering, twoFold: nil)]
    }

    /// --alphas: the --steer configuration at every strength multiplier of the grid, each vector's strength S run at
    /// S·alpha; alpha 0 is the unsteered model (no steering at all, so its scores are the unsteered ones bit for bit).
    static func scaled(_ steering: SteeringOptions, over grid: AlphaGrid) throws -> [EvalConfiguration] {
        let vectors = try steering.vectorArguments.map(ScaledVectorPath.init(argument:))
        return grid.values.map { alpha in
            guard alpha != 0 else { return EvalConfiguration(name: "alpha=0", steering: nil, twoFold: nil, alpha: 0) }
            var options = steering
            options.steer = vectors.map { "\($0.path):\($0.strength * Float(alpha))" }
            options.controlVectors = []
            options.controlVectorsScaled = []
            return EvalConfiguration(name: "alpha=\(String(format: "%g", alpha))", steering: options, twoFold: nil, alpha: alpha)
        }
    }

    /// Reads a --configs file: a JSON list of objects with "name" (unique) and optionally "steer" (a list of
    /// FILE[:S], relative to the configs file), "layers", "positions", "cache_mode" and "strict". Unknown keys and
    /// wrong types are errors naming the entry and key.
    static func load(_ path: String) throws -> [EvalConfiguration] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("\(path): cannot read the configurations file (\(error.localizedDescription))")
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any], !list.isEmpty else {
            throw InvalidInput("\(path): expected a non-empty JSON list of configurations such as [{\"name\": \"unsteered\"}, {\"name\": \"caa\", \"steer\": [\"caa.gguf:2\"]}]")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        var names: Set<String> = []
        return try list.enumerated().map { index, value in
            func fail(_ problem: String) -> InvalidInput { InvalidInput("\(path): configuration \(index): \(problem)") }
            guard let object = value as? [String: Any] else { throw fail("expected a JSON object") }
            let known: Set<String> = ["name", "steer", "layers", "positions", "cache_mode", "strict"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("unknown key \"\(unknown)\" (expected \(known.sorted().joined(separator: ", ")))")
            }
            guard let name = object["name"] as? String, !name.isEmpty else { throw fail("\"name\" must be a non-empty string") }
            guard names.insert(name).inserted else { throw fail("the name \"\(name)\" is used twice") }
            let steer: [String]
            switch object["steer"] {
            case nil: steer = []
            case let one as String: steer = [one]
            case let many as [String]: steer = many
            default: throw fail("\"steer\" must be a list of FILE[:S] strings")
            }
            var arguments: [String] = []
            for item in steer {
                let scaled = try ScaledVectorPath(argument: item)
                let resolved = scaled.path.hasPrefix("/") ? scaled.path : base.appending(path: scaled.path).path
                arguments += ["--steer", item == scaled.path ? resolved : "\(resolved):\(scaled.strength)"]
            }
            for (key, option) in [("layers", "--layers"), ("positions", "--positions"), ("cache_mode", "--cache-mode")] {
                guard let raw = object[key] else { continue }
                guard let text = raw as? String else { throw fail("\"\(key)\" must be a string") }
                arguments += [option, text]
            }
            if let strict = object["strict"] {
                guard let flag = strict as? Bool else { throw fail("\"strict\" must be true or false") }
                if flag { arguments.append("--strict") }
            }
            if steer.isEmpty, arguments.count > 0 { throw fail("\"layers\", \"positions\", \"cache_mode\" and \"strict\" need \"steer\"") }
            do {
                let options = try SteeringOptions.parse(arguments)
                return EvalConfiguration(name: name, steering: steer.isEmpty ? nil : options, twoFold: nil)
            } catch {
                throw fail(SteeringOptions.message(for: error))
            }
        }
    }
}
