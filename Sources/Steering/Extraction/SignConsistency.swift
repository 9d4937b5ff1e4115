/// AUSteer's unit scoring and selection (steering-methods.md §4.2–4.3, zijian678/AUSteer `steer.py`).
///
/// Scoring, per block and unit i over N pairs: d_j = x_pos[j][i] − x_neg[j][i]; n+ = #{d_j > 0}, n− = #{d_j < 0}
/// (exact zeros count for neither); s = max(n+, n−) / N; β = −s when n+ < n−, else +s (a tie n+ = n− gives +s).
///
/// Selection: all (block, unit) pairs ranked by |β| descending, ties kept in block-major, unit-minor order (a stable
/// sort of that order); walking down the ranking, each unit's β is set in the mask until k units with β ≠ 0 are set.
/// A unit with β = 0 (every d_j exactly 0) is never selected.
public enum SignConsistency {
    /// β for each unit of one block. `positive`, `negative`: [pairs, width] readings of the same block.
    public static func scores(positive: [Float], negative: [Float], width: Int) -> [Float] {
        precondition(positive.count == negative.count && width > 0 && positive.count % width == 0 && !positive.isEmpty)
        let pairs = positive.count / width
        var above = [Int](repeating: 0, count: width), below = [Int](repeating: 0, count: width)
        for j in 0..<pairs {
            for i in 0..<width {
                let d = positive[j * width + i] - negative[j * width + i]
                if d > 0 { above[i] += 1 } else if d < 0 { below[i] += 1 }
            }
        }
        return (0..<width).map { i in
            let s = Float(max(above[i], below[i])) / Float(pairs)
            return above[i] < below[i] ? -s : s
        }
    }

    /// The global top-k: block -> dense [width] b with β on the selected units and 0 elsewhere, for each block that has
    /// a selected unit. `scores`: block -> β per unit (every block the same width).
    public static func select(_ scores: [Int: [Float]], k: Int) -> [Int: [Float]] {
        precondition(k >= 1)
        var ranked: [(block: Int, unit: Int, beta: Float)] = []
        for block in scores.keys.sorted() {
            for (unit, beta) in scores[block]!.enumerated() { ranked.append((block, unit, beta)) }
        }
        // Swift's sort is not stable: the position in block-major, unit-minor order breaks ties explicitly.
        let order = ranked.indices.sorted { a, b in
            let x = abs(ranked[a].beta), y = abs(ranked[b].beta)
            return x != y ? x > y : a < b
        }
        var selected: [Int: [Float]] = [:]
        var count = 0
        for index in order where count < k {
            let entry = ranked[index]
            guard entry.beta != 0 else { continue }
            selected[entry.block, default: [Float](repeating: 0, count: scores[entry.block]!.count)][entry.unit] = entry.beta
            count += 1
        }
        return selected
    }
}
