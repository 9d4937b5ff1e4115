import Foundation
import Kernels
import Llama

/// Warns about strengths that swamp the model: an added vector far larger than the residual stream it is added to
/// (strength × direction norm above `factor` × the residual norm at that block) drowns the model's own activations,
/// and far enough out overflows float32 and breaks the forward pass. The residual norms come from the file's
/// `veer.layer_norms` (written by `veer extract`) or, for files without them (llama.cpp's), from a measurement.
public enum SteeringStrengthCheck {
    /// The ratio above which a strength is reported.
    public static let factor: Float = 10

    /// One warning per vector whose scaled direction exceeds `factor` × the residual norm on at least one selected
    /// block, naming the worst block. `measuredNorms` (block -> mean residual norm of this run's prompt) stands in
    /// for a file without `veer.layer_norms`; blocks with neither are not judged.
    public static func warnings(_ vectors: [(vector: SteeringVector, strength: Float)], layers: LayerSelection?,
                                measuredNorms: [Int: Float] = [:]) -> [String] {
        vectors.compactMap { vector, strength in
            let fromFile = !vector.info.layerNorms.isEmpty
            let residual = fromFile ? vector.info.layerNorms : judgedByMeasurement(vector) ? measuredNorms : [:]
            var over: [(block: Int, added: Float, ratio: Float)] = []
            for (block, norm) in vector.directionNorms.sorted(by: { $0.key < $1.key }) where layers?.contains(block) ?? true {
                guard let reference = residual[block], reference > 0 else { continue }
                let added = abs(strength) * norm
                if added > factor * reference { over.append((block, added, added / reference)) }
            }
            guard let worst = over.max(by: { $0.ratio < $1.ratio }) else { return nil }
            let source = fromFile ? "the file's veer.layer_norms" : "measured on this prompt"
            func number(_ value: Float) -> String { String(format: "%.3g", Double(value)) }
            return "\(vector.name) at strength \(strength) adds a vector of norm \(number(worst.added)) at block "
                + "\(worst.block), \(number(worst.ratio))× the residual norm there (\(number(residual[worst.block]!)), \(source)); "
                + "\(over.count) block\(over.count == 1 ? "" : "s") over \(Int(factor))×: the model's own activations are drowned out"
        }
    }

    /// The blocks whose measured norms `warnings` reads: the selected blocks of the vectors that have no
    /// `veer.layer_norms` (empty: no measurement is needed).
    public static func blocksToMeasure(_ vectors: [(vector: SteeringVector, strength: Float)], layers: LayerSelection?)
        -> Set<Int>
    {
        var blocks = Set<Int>()
        for (vector, strength) in vectors
        where strength != 0 && vector.info.layerNorms.isEmpty && judgedByMeasurement(vector) {
            blocks.formUnion(vector.blocks.filter { layers?.contains($0) ?? true })
        }
        return blocks
    }

    /// Whether `warnings` needs `measuredNorms` on some block: some vector has no `veer.layer_norms`.
    public static func needsMeasurement(_ vectors: [(vector: SteeringVector, strength: Float)]) -> Bool {
        !blocksToMeasure(vectors, layers: nil).isEmpty
    }

    /// Measured norms are of `resid_post`: they judge only vectors added to the residual stream.
    static func judgedByMeasurement(_ vector: SteeringVector) -> Bool {
        vector.info.site == .residPost || vector.info.site == .mlpOut
    }

    /// The mean L2 norm of `resid_post` at `blocks` over the prompt's positions (those the context holds), from an
    /// unsteered pass without logits. It writes the prompt's keys and values into slot 0's cache, which the steered
    /// prefill then rewrites.
    public static func measureResidualNorms<B: ComputeBackend>(_ model: LlamaModel<B>, prompt whole: [Int32],
                                                               blocks: Set<Int>) throws -> [Int: Float]
    {
        let prompt = Array(whole.prefix(model.cache.shape.ctx))
        guard !prompt.isEmpty else { return [:] }
        let observer = ResidualNormObserver(blocks: blocks)
        var start = 0
        while start < prompt.count {
            let n = min(model.maxRows, prompt.count - start)
            var batch = ForwardBatch.prefill(Array(prompt[start..<start + n]), start: Int32(start))
            batch.logitRows = []
            try model.forward(batch, observer: observer)
            start += n
        }
        return observer.sums.mapValues { Float($0 / Double(prompt.count)) }
    }
}

/// Sums each row's L2 norm of `resid_post`, per block of `blocks` (each observed block is a read to the host).
private final class ResidualNormObserver: ActivationObserver {
    let blocks: Set<Int>
    var sums: [Int: Double] = [:]

    init(blocks: Set<Int>) { self.blocks = blocks }

    func wants(_ site: HookSite, layer: Int) -> Bool { site == .residPost && blocks.contains(layer) }

    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int,
                                    backend: B) throws {
        sums[layer, default: 0] += CVectorMean.rowNormSum(try backend.read(buffer, count: rows * width), width: width)
    }
}
