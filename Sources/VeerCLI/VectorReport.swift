import GGUF
import Steering

/// `veer vector info`'s result: one JSON document, or the same facts as aligned text.
struct VectorReport: Encodable {
    struct Block: Encodable {
        var block: Int
        /// L2 norm of the block's tensor (1 for a rotate file's prototype).
        var direction_norm: Float
        /// Mean residual norm at the hook site when the vector was extracted (`veer.layer_norms`), if recorded.
        var residual_norm: Float?
        /// scale_units files: how many units of the block are scaled, and which (indices into the site's width).
        var units: Int?
        var unit_indices: [Int]?
    }

    /// A rotate file's gate: `veer.spherical.gated`, `veer.spherical.kappa`, `veer.spherical.beta`.
    struct Gate: Encodable {
        var gated: Bool
        var kappa: Float?
        var beta: Float?
    }

    var file: String
    var format: String
    var converted_from: String?
    var operation: String
    var site: String
    var width: Int
    var model_hint: String?
    var fingerprint: String?
    var method: String?
    var positions: String?
    var bos: String?
    var chat_template: String?
    var strength_range: [Float]?
    /// The steering method (`veer.method`, else what the operation implies) and whether the file states it.
    var steering_method: String
    var steering_method_stated: Bool
    /// `veer.positions`, and the positions steered when `--positions` does not say (the method's default if absent).
    var steered_positions: String?
    var effective_positions: String
    /// `veer.strength` and the strength applied at FILE:1 (1 when absent).
    var strength: Float?
    var effective_strength: Float
    var gate: Gate?
    /// `veer.austeer.k`.
    var selected_unit_count: Int?
    struct Entry: Encodable { var key: String; var type: String; var value: String }

    /// Every metadata key in file order with its type and its value as text (arrays summarized as "[count x type]").
    var metadata: [Entry]
    var blocks: [Block]

    init(vector: SteeringVector, metadata: GGUFMetadata) {
        let info = vector.info
        file = vector.name
        format = info.sourceFormat.rawValue
        converted_from = info.convertedFrom?.rawValue
        operation = info.operation.rawValue
        site = info.site.rawValue
        width = vector.width
        model_hint = info.modelHint
        fingerprint = info.fingerprint
        method = info.method
        positions = info.positions
        bos = info.bos
        chat_template = info.chatTemplate
        strength_range = info.strengthRange.map { [$0.lowerBound, $0.upperBound] }
        steering_method = info.effectiveMethod.rawValue
        steering_method_stated = info.steeringMethod != nil
        steered_positions = info.steeredPositions?.description
        effective_positions = (info.steeredPositions ?? info.effectiveMethod.defaultPositions).description
        strength = info.strength
        effective_strength = info.strength ?? 1
        gate = info.sphericalGate.map { Gate(gated: $0.gated, kappa: $0.kappa, beta: $0.beta) }
        selected_unit_count = info.selectedUnitCount
        self.metadata = metadata.keys.map { Entry(key: $0, type: metadata[$0]!.typeDescription, value: metadata[$0]!.description) }
        let norms = vector.directionNorms
        blocks = vector.blocks.map { block in
            let indices = info.operation == .scaleUnits
                ? vector.directions[block]!.indices.filter { vector.directions[block]![$0] != 0 } : nil
            return Block(block: block, direction_norm: norms[block]!, residual_norm: info.layerNorms[block],
                         units: indices?.count, unit_indices: indices)
        }
    }

    var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String?) { lines.append(label.padding(toLength: 17, withPad: " ", startingAt: 0) + (value ?? "-")) }
        row("file", file)
        row("format", format + (converted_from.map { " (converted from \($0))" } ?? ""))
        row("operation", "\(operation) at \(site)")
        row("width", String(width))
        row("model hint", model_hint)
        row("fingerprint", fingerprint)
        row("extracted by", method)
        row("extracted at", positions)
        row("bos", bos)
        row("chat template", chat_template)
        row("strength range", strength_range.map { "\($0[0]) ... \($0[1])" })
        row("steering method", steering_method + (steering_method_stated ? "" : " (implied by the operation)"))
        row("steered at", steered_positions ?? "\(effective_positions) (the method's default)")
        row("strength", strength.map { "\($0)" } ?? "1 (absent)")
        row("gate", gate.map(Self.describe))
        row("selected units", selected_unit_count.map { "k = \($0)" })
        lines.append("metadata:")
        for entry in metadata { lines.append("  \(entry.key) (\(entry.type)) = \(entry.value)") }
        lines.append("\(blocks.count) blocks: \(Self.ranges(blocks.map(\.block)))")
        lines.append("block  direction-norm  residual-norm" + (operation == "scale_units" ? "  units  indices" : ""))
        for b in blocks {
            var line = Self.pad(String(b.block), 5) + Self.pad(Self.format(b.direction_norm), 16)
                + Self.pad(b.residual_norm.map(Self.format) ?? "-", 15)
            if let units = b.units, let indices = b.unit_indices {
                line += Self.pad(String(units), 7) + "  " + (indices.isEmpty ? "-" : indices.map(String.init).joined(separator: ","))
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ gate: Gate) -> String {
        guard gate.gated else { return "ungated (t = strength at every steered position)" }
        return "gated, kappa \(gate.kappa.map { "\($0)" } ?? "-"), beta \(gate.beta.map { "\($0)" } ?? "-")"
    }

    private static func format(_ value: Float) -> String {
        let scaled = (Double(value) * 10000).rounded() / 10000
        return String(scaled)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// "1-29" or "0, 3-5": runs of consecutive blocks collapsed.
    static func ranges(_ blocks: [Int]) -> String {
        var runs: [(first: Int, last: Int)] = []
        for block in blocks {
            if let run = runs.last, block == run.last + 1 {
                runs[runs.count - 1].last = block
            } else {
                runs.append((block, block))
            }
        }
        return runs.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)-\($0.last)" }.joined(separator: ", ")
    }
}
