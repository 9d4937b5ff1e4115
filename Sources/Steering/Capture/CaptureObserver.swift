import Kernels
import Llama

/// The reducers of one text, one per requested layer (a class so the observer updates them in place).
final class TextReducers {
    let text: Int
    /// [layers] in the order of the request's layers.
    var perLayer: [TokenReducer]
    init(text: Int, perLayer: [TokenReducer]) { self.text = text; self.perLayer = perLayer }
}

/// Reads one site at the requested layers during a forward pass and hands each text's rows to its reducers. Only
/// the rows some reducer needs are copied off the device (one contiguous span per layer).
final class CaptureObserver: ActivationObserver {
    let site: HookSite
    let width: Int
    /// Block index -> position in the request's layer list.
    let layerPosition: [Int: Int]
    /// The pass being run: each segment with the reducers of its text.
    var segments: [(segment: CapturePlan.Segment, reducers: TextReducers)] = []
    /// Whether a read row held NaN or ±inf: the pass broke down and its activations are no result.
    var sawNonFinite = false

    init(site: HookSite, layers: [Int], width: Int) {
        self.site = site
        self.width = width
        layerPosition = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
    }

    func wants(_ site: HookSite, layer: Int) -> Bool { site == self.site && layerPosition[layer] != nil }

    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int,
                                    backend: B) throws {
        guard width == self.width else {
            throw CaptureError.unexpectedWidth(site: site, layer: layer, expected: self.width, got: width)
        }
        guard let position = layerPosition[layer] else { return }
        // Batch rows each segment needs, and the one span that covers them all.
        let wanted: [Range<Int>] = segments.map { entry in
            let needed = entry.reducers.perLayer[position].needed(of: entry.segment.tokens)
            let first = entry.segment.firstRow + needed.lowerBound - entry.segment.tokens.lowerBound
            return first..<first + needed.count
        }
        let nonEmpty = wanted.filter { !$0.isEmpty }
        let span = (nonEmpty.map(\.lowerBound).min() ?? 0)..<(nonEmpty.map(\.upperBound).max() ?? 0)
        precondition(span.upperBound <= rows, "a segment reaches past the pass's \(rows) rows")
        // [span.count, width]
        let values = try [Float](unsafeUninitializedCapacity: span.count * width) { storage, initialized in
            if !span.isEmpty {
                try backend.read(buffer, at: 4 * span.lowerBound * width, into: UnsafeMutableRawBufferPointer(storage))
            }
            initialized = span.count * width
        }
        if !sawNonFinite, values.contains(where: { !$0.isFinite }) { sawNonFinite = true }
        values.withUnsafeBufferPointer { all in
            for (entry, rows) in zip(segments, wanted) {
                let start = (rows.lowerBound - span.lowerBound) * width
                let slice = rows.isEmpty ? UnsafeBufferPointer(start: all.baseAddress, count: 0)
                    : UnsafeBufferPointer(rebasing: all[start ..< start + rows.count * width])
                entry.reducers.perLayer[position].add(slice, of: entry.segment.tokens)
            }
        }
    }
}
