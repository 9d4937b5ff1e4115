import GGUF
import Steering

/// `veer vector info`'s result: one JSON document, or the same facts as aligned text.
struct VectorReport: Encodable {
    struct Block: Encodable {
        var block: Int
        var direction_norm: Float
        /// Mean residual norm at the hook site when the vector was extracted (`veer.layer_norms`), if recorded.
        var residual_norm: Float?
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
        self.metadata = metadata.keys.map { Entry(key: $0, type: metadata[$0]!.typeDescription, value: metadata[$0]!.description) }
        let norms = vector.directionNorms
        blocks = vector.blocks.map { Block(block: $0, direction_norm: norms[$0]!, residual_norm: info.layerNorms[$0]) }
    }

    var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String?) { lines.append(label.padding(toLength: 16, withPad: " ", startingAt: 0) + (value ?? "-")) }
        row("file", file)
        row("format", format + (converted_from.map { " (converted from \($0))" } ?? ""))
        row("operation", "\(operation) at \(site)")
        row("width", String(width))
        row("model hint", model_hint)
        row("fingerprint", fingerprint)
        row("method", method)
        row("positions", positions)
        row("bos", bos)
        row("chat template", chat_template)
        row("strength range", strength_range.map { "\($0[0]) ... \($0[1])" })
        lines.append("metadata:")
        for entry in metadata { lines.append("  \(entry.key) (\(entry.type)) = \(entry.value)") }
        lines.append("\(blocks.count) blocks: \(Self.ranges(blocks.map(\.block)))")
        lines.append("block  direction-norm  residual-norm")
        for b in blocks {
            lines.append(Self.pad(String(b.block), 5) + Self.pad(Self.format(b.direction_norm), 16)
                         + Self.pad(b.residual_norm.map(Self.format) ?? "-", 15))
        }
        return lines.joined(separator: "\n")
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
