import Kernels
import Llama

/// Told (texts done, texts in all) as a capture goes.
public typealias CaptureProgress = (_ completed: Int, _ total: Int) -> Void

/// Runs texts through a model without steering and reads one site at chosen blocks (steering-methods.md §0.5's
/// "contrastive activation collection" primitive). Works on any backend the model runs on; on a deferred backend
/// (Vulkan) each observed layer waits for the work issued so far, so capture is slower than plain prefill.
///
/// Texts are token arrays as they should run (BOS and chat template already applied). Each text starts at position
/// 0 of its own KV-cache slot; short texts share a forward pass, longer ones than `model.maxRows` are prefilled in
/// blocks with increasing start positions. Captures use the model's run state: one at a time per model.
public struct ActivationCapture<B: ComputeBackend> {
    /// The model texts run through.
    public let model: LlamaModel<B>
    /// Called after each text is complete with (texts done, texts in all), for progress lines on long runs.
    public var progress: CaptureProgress?

    /// A capture on `model`.
    public init(model: LlamaModel<B>, progress: CaptureProgress? = nil) { self.model = model; self.progress = progress }

    /// Runs every text and calls `each(textIndex, activations)` once per text, in text order, as soon as the text
    /// is complete, so a caller reducing further (extraction) never holds all the rows at once.
    public func run(_ texts: [[Int32]], _ request: CaptureRequest,
                    each: (Int, TextActivations) throws -> Void) throws {
        try request.validate(blocks: model.config.layers)
        let width = request.site.width(in: model.config)
        let context = model.cache.shape.ctx
        for (i, text) in texts.enumerated() {
            guard !text.isEmpty else { throw CaptureError.emptyText(text: i) }
            guard text.count <= context else {
                throw CaptureError.textLongerThanContext(text: i, tokens: text.count, context: context)
            }
            // Fail before any forward pass when an index lies outside a text.
            _ = try request.reduction.keptToken(inTextOf: text.count, text: i)
        }
        let plan = CapturePlan(tokenCounts: texts.map(\.count), maxRows: model.maxRows, slots: model.cache.shape.slots)
        let observer = CaptureObserver(site: request.site, layers: request.layers, width: width)
        var inFlight: [Int: TextReducers] = [:]
        for pass in plan.passes {
            var batch = ForwardBatch(tokens: [], slots: [], positions: [], logitRows: [])
            observer.segments = try pass.segments.map { segment in
                let text = texts[segment.text]
                batch.tokens += text[segment.tokens]
                batch.slots += [Int32](repeating: Int32(segment.slot), count: segment.tokens.count)
                batch.positions += segment.tokens.map { Int32($0) }
                if inFlight[segment.text] == nil {
                    inFlight[segment.text] = TextReducers(text: segment.text, perLayer: try request.layers.map { _ in
                        try TokenReducer(reduction: request.reduction, tokens: text.count, width: width, text: segment.text)
                    })
                }
                return (segment, inFlight[segment.text]!)
            }
            // No logits wanted: the output head is skipped.
            try model.forward(batch, observer: observer)
            if observer.sawNonFinite {
                // Run the pass again with per-block checks to name where it broke; nothing broken is returned.
                throw try model.diagnose(batch, steering: nil, logits: nil)
            }
            for text in pass.completedTexts {
                let reducers = inFlight.removeValue(forKey: text)!
                var layers: [Int: [Float]] = [:]
                for (position, layer) in request.layers.enumerated() { layers[layer] = reducers.perLayer[position].finish() }
                try each(text, TextActivations(tokenCount: texts[text].count, layers: layers))
                progress?(text + 1, texts.count)
            }
        }
    }

    /// Runs every text and stacks the results: per layer [texts, width], or [all tokens, width] with `none`.
    public func capture(_ texts: [[Int32]], _ request: CaptureRequest) throws -> CapturedActivations {
        let width = request.site.width(in: model.config)
        var layers: [Int: [Float]] = [:]
        var tokenCounts: [Int] = []
        tokenCounts.reserveCapacity(texts.count)
        try run(texts, request) { _, activations in
            tokenCounts.append(activations.tokenCount)
            for (layer, rows) in activations.layers { layers[layer, default: []].append(contentsOf: rows) }
        }
        return CapturedActivations(request: request, width: width, tokenCounts: tokenCounts, layers: layers)
    }
}
