import Llama

/// What to read: one site, at some blocks, reduced per text.
public struct CaptureRequest: Sendable, Equatable {
    /// The site read.
    public var site: HookSite
    /// Block indices (0-based), read in this order; duplicates are dropped.
    public var layers: [Int]
    /// How each text's rows are reduced: the last row, the mean, one row, or none (every row).
    public var reduction: TokenReduction

    /// A request; duplicate layers are dropped, the first occurrence kept.
    public init(site: HookSite, layers: [Int], reduction: TokenReduction) {
        self.site = site
        var seen = Set<Int>()
        self.layers = layers.filter { seen.insert($0).inserted }
        self.reduction = reduction
    }

    /// Checks the request against a model's blocks.
    public func validate(blocks: Int) throws {
        guard site != .resultNorm else { throw CaptureError.siteNotPerBlock(site) }
        guard !layers.isEmpty else { throw CaptureError.noLayers }
        if let bad = layers.first(where: { $0 < 0 || $0 >= blocks }) {
            throw CaptureError.layerOutOfRange(layer: bad, blocks: blocks)
        }
    }
}

/// One text's reduced activations, as the capture hands them over.
public struct TextActivations: Sendable {
    /// Tokens the text ran with.
    public var tokenCount: Int
    /// Block index -> f32 [rows, width]: rows = tokenCount for `none`, else 1.
    public var layers: [Int: [Float]]
}

/// Every text's reduced activations, per layer stacked in text order.
public struct CapturedActivations: Sendable {
    /// What was captured.
    public var request: CaptureRequest
    /// Floats per row at the site.
    public var width: Int
    /// [texts] tokens per text.
    public var tokenCounts: [Int]
    /// Block index -> f32 [texts, width], or with `none` [sum(tokenCounts), width]: every text's tokens, concatenated.
    public var layers: [Int: [Float]]

    /// The rows of text `text` at block `layer`: [1, width], or [tokens of the text, width] with `none`.
    public func rows(text: Int, layer: Int) -> ArraySlice<Float> {
        let values = layers[layer]!
        if request.reduction == .none {
            let start = tokenCounts[..<text].reduce(0, +)
            return values[start * width ..< (start + tokenCounts[text]) * width]
        }
        return values[text * width ..< (text + 1) * width]
    }

    /// Rows per layer: texts, or all tokens with `none`.
    public var rowCount: Int { request.reduction == .none ? tokenCounts.reduce(0, +) : tokenCounts.count }
}
