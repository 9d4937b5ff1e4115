import Foundation
import Kernels

/// The first activation of a pass that went bad: where, what, and the weights that computed it.
public struct BadActivation: Sendable, Equatable {
    /// The block (-1 for the final norm).
    public var layer: Int
    public var site: HookSite
    /// In words, e.g. "holds 12 NaN or infinite values".
    public var problem: String

    /// The tensors whose output the site is, for messages that name what to look at.
    public var tensors: String {
        let p = "blk.\(layer)."
        switch site {
        case .attnNorm: return layer == 0 ? "token_embd.weight and blk.0.attn_norm.weight" : p + "attn_norm.weight"
        case .headsConcat: return "\(p)attn_q.weight, \(p)attn_k.weight and \(p)attn_v.weight"
        case .residMid: return p + "attn_output.weight"
        case .mlpMid: return "\(p)ffn_norm.weight, \(p)ffn_gate.weight and \(p)ffn_up.weight"
        case .mlpOut: return p + "ffn_down.weight"
        case .residPost: return "the residual update, where steering adds its vector"
        case .resultNorm: return "output_norm.weight"
        }
    }
}

/// Per-block checks for the diagnostic re-run of a pass whose logits were degenerate (never on the hot path: it
/// reads every block's activations to the host). Records the first site, in execution order, whose rows hold NaN or
/// ±inf, whose residual is too large for the next RMSNorm (its float32 sum of squares overflows, so the norm
/// returns zeros), or whose normalised rows are all equal.
public final class BlockHealthCheck: ActivationObserver {
    public private(set) var firstBad: BadActivation?

    public init() {}

    public func wants(_ site: HookSite, layer: Int) -> Bool { firstBad == nil }

    public func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int,
                                           backend: B) throws {
        guard firstBad == nil else { return }
        let values: [Float] = try backend.read(buffer, count: rows * width)
        if let problem = Self.problem(values, rows: rows, width: width, site: site) {
            firstBad = BadActivation(layer: layer, site: site, problem: problem)
        }
    }

    static func problem(_ values: [Float], rows: Int, width: Int, site: HookSite) -> String? {
        let nonFinite = values.lazy.filter { !$0.isFinite }.count
        if nonFinite > 0 { return "holds \(nonFinite) NaN or infinite value\(nonFinite == 1 ? "" : "s")" }
        for r in 0..<rows {
            let row = values[r * width ..< (r + 1) * width]
            switch site {
            case .residMid, .residPost:
                // RMSNorm sums squares in float32: past ~3.4e38 the sum is +inf and the normalised row all zeros.
                let sumOfSquares = row.reduce(0.0) { $0 + Double($1) * Double($1) }
                if !Float(sumOfSquares).isFinite {
                    let rms = (sumOfSquares / Double(width)).squareRoot()
                    return "is too large for float32 RMSNorm (RMS \(String(format: "%.3g", rms))), so the next norm gives all zeros"
                }
            case .attnNorm, .resultNorm:
                if let first = row.first, row.allSatisfy({ $0 == first }) { return "is \(first) everywhere" }
            default: break
            }
        }
        return nil
    }
}
