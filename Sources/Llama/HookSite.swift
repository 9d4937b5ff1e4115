/// Places in a block where activations can be read (and, through steering, written). Names follow
/// steering-methods.md §0.2 and llama.cpp's eval-callback names where those are what the goldens record.
public enum HookSite: String, Sendable, CaseIterable {
    /// Output of block l after its FFN residual add (llama.cpp `l_out-l`). [rows, width]
    case residPost = "resid_post"
    /// Residual after the attention add, the FFN input (llama.cpp `ffn_inp-l`). [rows, width]
    case residMid = "resid_mid"
    /// The FFN's contribution before its residual add: the down projection's output (on Gemma 3 after the post-FFN
    /// norm, so `resid_post` = `resid_mid` + `mlp_out` on every architecture). [rows, width]
    case mlpOut = "mlp_out"
    /// Input of the down projection, act(gate)·up (SiLU, or GELU on Gemma 3). [rows, ffWidth]
    case mlpMid = "mlp_mid"
    /// Attention heads before the output projection. [rows, heads·headDim]
    case headsConcat = "heads_concat"
    /// RMSNorm(x)·attn_norm of block l, the attention input (llama.cpp `attn_norm-l`). [rows, width]
    case attnNorm = "attn_norm"
    /// Final RMSNorm·output_norm (llama.cpp `result_norm`); reported with layer = -1. [rows, width]
    case resultNorm = "result_norm"
}

/// Receives activations during a forward pass, right after the op that produced them. On a deferred backend
/// (Vulkan) reading the buffer waits for the work issued so far, so observing costs speed: use it for capture and
/// checks, not in the decode loop.
public protocol ActivationObserver: AnyObject {
    /// Which sites (and layers) to report; the model skips the rest.
    func wants(_ site: HookSite, layer: Int) -> Bool
    /// `rows` rows of `width` floats at the start of `buffer`.
    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int, backend: B) throws
}

import Kernels
