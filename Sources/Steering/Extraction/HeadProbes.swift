import Kernels

/// ITI's head selection and directions (steering-methods.md §1.4, likenneth/honest_llama `utils.py`), on activations
/// already read: per block, [texts, heads·headDimension] rows of `heads_concat` at each text's last token.
public enum HeadProbes {
    /// One probed head.
    public struct Probe: Sendable, Equatable {
        public var layer: Int
        public var head: Int
        /// Accuracy of its probe on the validation texts.
        public var validationAccuracy: Double
    }

    /// The question-level split: `validationFraction` of `count` questions (rounded, at least 1, at most count − 1)
    /// held out for probe selection, drawn by a Fisher–Yates shuffle of a SplitMix64 stream seeded with `seed`
    /// (honest_llama draws them with NumPy's generator; any fixed draw does). Needs count >= 2.
    public static func validationQuestions(count: Int, fraction: Double = 0.2, seed: UInt64 = 42) -> Set<Int> {
        precondition(count >= 2)
        let held = min(count - 1, max(1, Int((fraction * Double(count)).rounded())))
        var order = Array(0..<count)
        var random = SplitMix64(seed: seed)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, random.index(i + 1)) }
        return Set(order.prefix(held))
    }

    /// Trains one probe per (block, head) on the texts not in validation and ranks the heads by validation
    /// accuracy, descending; ties keep block-major, head-minor order. `rows`: block -> [texts, heads·headDimension];
    /// `labels`, `isValidation`: [texts].
    public static func rank(rows: [Int: [Float]], labels: [Bool], isValidation: [Bool], headDimension: Int) -> [Probe] {
        var probes: [Probe] = []
        let train = labels.indices.filter { !isValidation[$0] }, validation = labels.indices.filter { isValidation[$0] }
        for layer in rows.keys.sorted() {
            let layerRows = rows[layer]!
            let width = layerRows.count / labels.count
            for head in 0 ..< width / headDimension {
                func slice(_ texts: [Int]) -> [Float] {
                    texts.flatMap { text in layerRows[text * width + head * headDimension ..< text * width + (head + 1) * headDimension] }
                }
                let probe = LogisticProbe(features: slice(train), labels: train.map { labels[$0] }, width: headDimension)
                probes.append(Probe(layer: layer, head: head,
                                    validationAccuracy: probe.accuracy(features: slice(validation),
                                                                       labels: validation.map { labels[$0] })))
            }
        }
        // Swift's sort is not stable: the index in block-major, head-minor order breaks ties.
        return probes.indices.sorted { a, b in
            probes[a].validationAccuracy != probes[b].validationAccuracy
                ? probes[a].validationAccuracy > probes[b].validationAccuracy : a < b
        }.map { probes[$0] }
    }

    /// The unit centre-of-mass direction of one head: mean over true texts − mean over false texts of its slice.
    public static func direction(rows: [Float], labels: [Bool], head: Int, headDimension: Int) -> [Double] {
        let width = rows.count / labels.count
        var trueSum = [Double](repeating: 0, count: headDimension), falseSum = trueSum
        for (text, label) in labels.enumerated() {
            for j in 0..<headDimension {
                let value = Double(rows[text * width + head * headDimension + j])
                if label { trueSum[j] += value } else { falseSum[j] += value }
            }
        }
        let trueCount = Double(labels.filter { $0 }.count), falseCount = Double(labels.count) - trueCount
        let difference = zip(trueSum, falseSum).map { $0 / trueCount - $1 / falseCount }
        let norm = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? difference.map { $0 / norm } : difference
    }

    /// σ: the population standard deviation (NumPy's `np.std`) of the projections of the head's slice of each
    /// tuning row onto `direction`.
    public static func sigma(tuningRows: [Float], texts: Int, head: Int, headDimension: Int, direction: [Double]) -> Double {
        let width = tuningRows.count / texts
        let projections = (0..<texts).map { text in
            (0..<headDimension).reduce(0.0) { $0 + Double(tuningRows[text * width + head * headDimension + $1]) * direction[$1] }
        }
        let mean = projections.reduce(0, +) / Double(texts)
        return (projections.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(texts)).squareRoot()
    }
}
