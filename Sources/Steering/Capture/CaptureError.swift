import Llama

/// Why a capture cannot run. Every case names the text (0-based index into the texts given), layer or value at fault.
public enum CaptureError: Error, CustomStringConvertible, Equatable {
    case badReduction(String)
    case siteNotPerBlock(HookSite)
    case noLayers
    case layerOutOfRange(layer: Int, blocks: Int)
    case emptyText(text: Int)
    case textLongerThanContext(text: Int, tokens: Int, context: Int)
    case indexOutsideText(text: Int, index: Int, tokens: Int)
    case unexpectedWidth(site: HookSite, layer: Int, expected: Int, got: Int)

    /// The message, naming the value and what was expected.
    public var description: String {
        switch self {
        case .badReduction(let text):
            return "reduction '\(text)': expected last, mean, none or index:K (K an integer, negative counts from the end)"
        case .siteNotPerBlock(let site):
            return "site \(site.rawValue) is not read per block; capture one of \(HookSite.perBlock.map(\.rawValue).joined(separator: ", "))"
        case .noLayers:
            return "no layers requested: give at least one block index"
        case let .layerOutOfRange(layer, blocks):
            return "layer \(layer) does not exist: the model has \(blocks) blocks, 0...\(blocks - 1)"
        case .emptyText(let text):
            return "text \(text) has no tokens"
        case let .textLongerThanContext(text, tokens, context):
            return "text \(text) has \(tokens) tokens, more than the context of \(context) (raise --ctx-size or shorten the text)"
        case let .indexOutsideText(text, index, tokens):
            return "index:\(index) is outside text \(text), which has \(tokens) tokens"
        case let .unexpectedWidth(site, layer, expected, got):
            return "\(site.rawValue)[\(layer)] came with width \(got), expected \(expected)"
        }
    }
}
