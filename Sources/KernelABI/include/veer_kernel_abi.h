// Veer kernel ABI: push-constant blocks and shared table layouts, one definition for GLSL and Swift.
//
// This header is included by every compute shader (compiled with -DVEER_GLSL) and imported into Swift through the
// KernelABI module, so a field added here appears on both sides. Rules that keep the two layouts identical:
//   * only 4-byte scalars (uint32_t, int32_t, float): std430 and C then agree on every offset;
//   * push-constant blocks stay <= 128 bytes (the limit lavapipe and many desktop GPUs share);
//   * element offsets and counts are in elements of the buffer's own type unless a name says bytes or words.
#ifndef VEER_KERNEL_ABI_H
#define VEER_KERNEL_ABI_H

#ifdef VEER_GLSL
#define uint32_t uint
#define int32_t int
#define VEER_STRUCT(name) struct name
#define VEER_END(name) ;
#else
#include <stdint.h>
#define VEER_STRUCT(name) typedef struct name
#define VEER_END(name) name;
#endif

// GGML tensor type ids (the GGUF `type` field); the weight formats a matmul or embed kernel reads.
#define VEER_DTYPE_F32 0
#define VEER_DTYPE_F16 1
#define VEER_DTYPE_Q4_0 2
#define VEER_DTYPE_Q4_1 3
#define VEER_DTYPE_Q5_0 6
#define VEER_DTYPE_Q5_1 7
#define VEER_DTYPE_Q8_0 8
#define VEER_DTYPE_Q4_K 12
#define VEER_DTYPE_Q5_K 13
#define VEER_DTYPE_Q6_K 14
#define VEER_DTYPE_Q8_K 15

// y[rows, n] = x[rows, k] . W^T, with W stored row-major as [n, k] in the weight type (GGUF: ne0 = k, ne1 = n).
// Offsets in floats let one buffer hold several activations (e.g. Q, K and V of one block).
// One dispatch computes output columns [colBase, colBase + colCount) and its weight binding holds those rows (from
// the aligned address at or below row colBase): a weight tensor larger than one binding may cover is split over
// several dispatches (colBase = 0 and colCount = n when it fits).
VEER_STRUCT(VeerMatmulPush) {
    uint32_t rows;
    uint32_t k;
    uint32_t n;
    uint32_t xOffset;
    uint32_t yOffset;
    uint32_t colBase;
    uint32_t colCount;
} VEER_END(VeerMatmulPush)

// y = rmsnorm(x) . W^T: the matmul with its input rows' RMSNorm fused in (weight normWeight[k], eps), the push block
// of matmul.comp's INPUT_NORM variants (std430 puts eps right after the 7 words of `matmul`, as C does).
VEER_STRUCT(VeerNormMatmulPush) {
    VeerMatmulPush matmul;
    float eps;
} VEER_END(VeerNormMatmulPush)

// out[r, :] = dequant(table[ids[r], :]); ids are int32 in [0, vocab). One dispatch handles the ids in
// [idBase, idBase + idCount) and its table binding holds those rows (a table larger than one binding is split;
// idBase = 0 and idCount = vocab when it fits). Rows with an id outside [0, vocab) become NaN. Each value is
// multiplied by scale in f32 (Gemma: sqrt(width); 1 leaves the dequantized values as they are).
VEER_STRUCT(VeerEmbedPush) {
    uint32_t rows;
    uint32_t width;
    uint32_t vocab;
    uint32_t idBase;
    uint32_t idCount;
    float scale;
} VEER_END(VeerEmbedPush)

// out[r, i] = x[r, i] / sqrt(mean_i(x[r, :]^2) + eps) * weight[i]
VEER_STRUCT(VeerRMSNormPush) {
    uint32_t rows;
    uint32_t width;
    float eps;
} VEER_END(VeerRMSNormPush)

// RoPE pairing (the `style` field of the rope pushes). ADJACENT: GGUF `llama` (GGML NORM mode), pair i is
// (x[2i], x[2i+1]). NEOX: GGML NEOX mode (Gemma 3, Qwen2), pair i is (x[i], x[i + nRot/2]).
#define VEER_ROPE_ADJACENT 0u
#define VEER_ROPE_NEOX 1u

// In place: pair i < nRot/2 of each head's first nRot dims (paired as `style` says) rotates by
// pos[r] * freqScale * freqBase^(-2i/nRot), divided by freqFactors[i] when hasFreqFactors = 1 (Llama 3 rope scaling;
// the factors are a binding of nRot/2 floats, a placeholder when 0). x is [rows, rowStride] with heads at
// x[r, headOffset + h*headDim].
VEER_STRUCT(VeerRopePush) {
    uint32_t rows;
    uint32_t nHeads;
    uint32_t headDim;
    uint32_t nRot;
    uint32_t rowStride;
    uint32_t headOffset;
    float freqBase;
    float freqScale;
    uint32_t style;
    uint32_t hasFreqFactors;
} VEER_END(VeerRopePush)

// Gated activations (the `activation` field of VeerSwigluPush): silu(g) = g / (1 + exp(-g)); gelu_tanh(g) =
// 0.5*g*(1 + tanh(sqrt(2/pi)*g*(1 + 0.044715*g*g))) (ggml_gelu_f32, in f32).
#define VEER_ACTIVATION_SILU 0u
#define VEER_ACTIVATION_GELU_TANH 1u

// out[r, c] = act(gate[r*stride + c]) * up[r*stride + upOffset + c] for r < count / width, c < width.
VEER_STRUCT(VeerSwigluPush) {
    uint32_t count;
    uint32_t width;
    uint32_t stride;
    uint32_t upOffset;
    uint32_t activation;
} VEER_END(VeerSwigluPush)

// In place: x[r*rowStride + offset + c] += bias[c] for r < rows, c < width (Qwen2's Q, K and V biases).
VEER_STRUCT(VeerBiasAddPush) {
    uint32_t rows;
    uint32_t width;
    uint32_t rowStride;
    uint32_t offset;
} VEER_END(VeerBiasAddPush)

// Per row: out = softmax(x) or, with logMode = 1, log-softmax(x).
VEER_STRUCT(VeerSoftmaxPush) {
    uint32_t rows;
    uint32_t width;
    uint32_t logMode;
} VEER_END(VeerSoftmaxPush)

// KV caches are [slots, ctx, kvWidth] f32, kvWidth = nKVHeads * headDim. Row r of a batch belongs to cache slot
// slot[r] and sits at position pos[r] of that slot's sequence.
// kv_store: kCache[slot[r], pos[r], :] = k[r, :], likewise v. k and v are read at kOffset/vOffset + r*rowStride.
VEER_STRUCT(VeerKVStorePush) {
    uint32_t rows;
    uint32_t kvWidth;
    uint32_t ctx;
    uint32_t rowStride;
    uint32_t kOffset;
    uint32_t vOffset;
} VEER_END(VeerKVStorePush)

// rope_store: RoPE and the cache write of one block in one launch. Query heads (nHeads at qOffset + r*qRowStride)
// rotate in place as VeerRopePush describes; key heads (nKVHeads at kOffset + r*kvRowStride) rotate on their way
// into kCache[slot[r], pos[r], :] and values (at vOffset + r*kvRowStride) are copied into vCache. k itself is left
// as it was. headDim is shared by all heads; kvWidth = nKVHeads * headDim. style and hasFreqFactors as in
// VeerRopePush.
VEER_STRUCT(VeerRopeStorePush) {
    uint32_t rows;
    uint32_t nHeads;
    uint32_t nKVHeads;
    uint32_t headDim;
    uint32_t nRot;
    uint32_t ctx;
    uint32_t qRowStride;
    uint32_t qOffset;
    uint32_t kvRowStride;
    uint32_t kOffset;
    uint32_t vOffset;
    float freqBase;
    float freqScale;
    uint32_t style;
    uint32_t hasFreqFactors;
} VEER_END(VeerRopeStorePush)

// kv_copy: for both caches, positions 0 ..< count / kvWidth of slot sourceSlot are copied into every slot of
// firstTarget ..< firstTarget + targetCount (a prompt prefilled once, shared by several continuations). Counts in
// floats: count = positions * kvWidth (the slot's copied prefix), slotFloats = ctx * kvWidth (one slot).
VEER_STRUCT(VeerKVCopyPush) {
    uint32_t count;
    uint32_t slotFloats;
    uint32_t sourceSlot;
    uint32_t firstTarget;
    uint32_t targetCount;
} VEER_END(VeerKVCopyPush)

// Causal grouped-query attention over the KV cache: query row r (head h, read at qOffset + r*qRowStride + h*headDim)
// attends to positions 0...pos[r] of slot slot[r], KV head h / (nHeads / nKVHeads). out is [rows, nHeads*headDim].
// window > 0: sliding window, only positions p0 with pos[r] - p0 < window (the last `window` ones); 0: all.
VEER_STRUCT(VeerAttentionPush) {
    uint32_t rows;
    uint32_t nHeads;
    uint32_t nKVHeads;
    uint32_t headDim;
    uint32_t ctx;
    uint32_t qRowStride;
    uint32_t qOffset;
    float scale;
    uint32_t window;
} VEER_END(VeerAttentionPush)

// argmax / topk over each row of x[rows, width]. Ties go to the lowest id. A row holding NaN or +-inf yields id -1
// (and, for topk, -1 ids with NaN values): such a row is reported, never silently picked.
VEER_STRUCT(VeerSelectPush) {
    uint32_t rows;
    uint32_t width;
    uint32_t k;
} VEER_END(VeerSelectPush)

// out[r] = logits[r, target[r]] - logsumexp(logits[r, :]).
VEER_STRUCT(VeerTokenLogprobsPush) {
    uint32_t rows;
    uint32_t width;
} VEER_END(VeerTokenLogprobsPush)

// row_health: out[r] = (min, max, nonFinite) over row r of x[rows, width]: the smallest and largest finite values
// (+inf and -inf when the row has none) and how many values are NaN or +-inf. Comparisons and integer counts only,
// so every device gives the same bits. A row is degenerate when nonFinite > 0 or max == min (all values equal):
// the generator checks the logits this way after every forward pass, reading back 12 bytes per row.
#define VEER_ROW_HEALTH_WIDTH 3u

VEER_STRUCT(VeerRowHealthPush) {
    uint32_t rows;
    uint32_t width;
} VEER_END(VeerRowHealthPush)

// Fused residual update with steering (one launch), see docs/kernels.md and steering-methods.md sections 0, 2, 4:
//   every row:          x += f(delta)            (f applies only where rowFlags & VEER_ROW_EDIT_DELTA)
//   rows with G flag:   x = g(x)                 (add, then unit scaling, then Spherical rotation, per the sequence)
// heads_edit uses the same tables with no delta (hasDelta = 0): x = g(x) with add and unit scaling only.
#define VEER_ROW_EDIT_DELTA 1u
#define VEER_ROW_STEER 2u

#define VEER_STEER_DELTA_UNITS 1u
#define VEER_STEER_ADD 2u
#define VEER_STEER_UNITS 4u
#define VEER_STEER_SPHERICAL 8u

VEER_STRUCT(VeerResidualSteerPush) {
    uint32_t rows;
    uint32_t width;
    uint32_t hasDelta;
    uint32_t writeTrace;
} VEER_END(VeerResidualSteerPush)

// One entry per sequence of a batch (table `seqParams`, indexed by rowSeq[r]). 16 words = 64 bytes, std430 stride 64.
VEER_STRUCT(VeerSteerSeqParams) {
    uint32_t flags;            // VEER_STEER_* bits
    float addAlpha;            // g: x += addAlpha * vectors[addVector]
    uint32_t addVector;
    float unitAlpha;           // g: x[i] *= 1 + unitAlpha * b  for (i, b) in units[unitOffset ..< unitOffset+unitCount]
    uint32_t unitOffset;
    uint32_t unitCount;
    float deltaUnitAlpha;      // f: delta[i] *= 1 + deltaUnitAlpha * b  over units[deltaUnitOffset ..< +deltaUnitCount]
    uint32_t deltaUnitOffset;
    uint32_t deltaUnitCount;
    float sphAlpha;            // g: Slerp toward unit mu = vectors[sphMu] with the vMF gate (kappa, beta)
    float sphKappa;
    float sphBeta;
    uint32_t sphMu;
    uint32_t reserved0;
    uint32_t reserved1;
    uint32_t reserved2;
} VEER_END(VeerSteerSeqParams)

// Trace row written by residual_steer when writeTrace = 1: [t, normBefore, normAfter, cosine], one per row
// (t = 0 and equal norms on rows that were not rotated).
#define VEER_TRACE_WIDTH 4u

#endif
