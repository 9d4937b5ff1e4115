import Kernels
import Llama
import TestSupport

/// Records one row (e.g. the last prompt token) of the sites the goldens name, keyed by llama.cpp's eval-callback
/// names: attn_norm-0, ffn_inp-L, l_out-L, result_norm.
final class HiddenStateCapture: ActivationObserver {
    let row: Int
    private(set) var states: [String: [Float]] = [:]

    init(row: Int) { self.row = row }

    static func goldenName(_ site: HookSite, layer: Int) -> String? {
        switch site {
        case .attnNorm where layer == 0: return "attn_norm-0"
        case .residMid: return "ffn_inp-\(layer)"
        case .residPost: return "l_out-\(layer)"
        case .resultNorm: return "result_norm"
        default: return nil
        }
    }

    func wants(_ site: HookSite, layer: Int) -> Bool { Self.goldenName(site, layer: layer) != nil }

    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int, backend: B) throws {
        guard let name = Self.goldenName(site, layer: layer) else { return }
        let all: [Float] = try backend.read(buffer, count: rows * width)
        states[name] = Array(all[row * width ..< (row + 1) * width])
    }
}

/// Checks captured states against golden statistics: relative l2 error within `ModelTolerance.hiddenStateRelativeL2`,
/// the first eight values within `ModelTolerance.hiddenStateFirst8`, same absmax index. Returns a description of
/// every mismatch (empty: all match) and the worst relative l2 and first-eight errors, to print beside the bounds.
func hiddenStateMismatches(_ states: [String: [Float]], golden: [String: ModelGoldens.HiddenStats])
    -> (problems: [String], worstRelativeL2: Double, worstFirst8: Double) {
    var problems: [String] = []
    var worstRelative = 0.0, worstFirst8 = 0.0
    for (name, stats) in golden.sorted(by: { $0.key < $1.key }) {
        guard let x = states[name] else { problems.append("\(name): not captured"); continue }
        let (relative, bad, first8, absmax) = stats.compare(x[...])
        worstRelative = max(worstRelative, relative)
        worstFirst8 = max(worstFirst8, first8)
        if relative > ModelTolerance.hiddenStateRelativeL2 { problems.append("\(name): l2 vs \(stats.l2) (relative \(relative))") }
        for i in bad { problems.append("\(name): value \(i) = \(x[i]) vs \(stats.first8[i])") }
        if absmax != stats.absmax_index { problems.append("\(name): absmax index \(absmax) vs \(stats.absmax_index)") }
    }
    return (problems, worstRelative, worstFirst8)
}
