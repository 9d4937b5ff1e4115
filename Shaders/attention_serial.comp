#version 450
// Causal grouped-query attention over the KV cache for CPU implementations (lavapipe): the same op as
// Shaders/attention.comp (see its header for the layout), but one invocation per (row, head) walks its positions
// alone, with no shared memory and no barriers. lavapipe runs a workgroup's invocations as the lanes of one SIMD
// row and each barrier as a switch between coroutines; attention.comp's per-chunk tree reductions made it 38 % of a
// 128-token prefill there.
//
// Arithmetic (fixed per row; it depends only on this row's pos[r], never on the batch, so a position's output is
// bit-identical in decode and inside any prefill): positions from `first` (the window's start) in chunks of CHUNK;
// per chunk the scores s_t = (q . K[t], fma over d in order) * scale, the chunk's max and then sum of exp(s_t - max)
// taken in position order, the running sum rescaled once per chunk, and out[d] accumulated over the chunk's
// positions in order.
// The order differs from attention.comp's (a tree per chunk), so the two kernels agree to rounding, not in bits;
// one device uses one of them for every batch size.
//
// Workgroup: any size; invocation i of the flattened grid serves row i / nHeads, head i % nHeads, so the lanes of a
// SIMD row are mostly the heads of one row (same positions: the loops stay uniform).
#extension GL_EXT_control_flow_attributes : require
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerAttentionPush p; };

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer KCache { float kCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 2) readonly buffer VCache { float vCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 3) readonly buffer Slots { int slots[]; };         // [rows]
layout(std430, binding = 4) readonly buffer Positions { int positions[]; }; // [rows]
layout(std430, binding = 5) writeonly buffer Out { float outValues[]; };    // [rows, nHeads*headDim]

#include "grid.glsl"
#include "reduce.glsl"   // veerMaxNaN
#include "veer_math.glsl"

const uint MAX_HEAD_DIM = 256u;   // the host keeps headDim <= MAX_HEAD_DIM
const uint CHUNK = 32u;           // positions scored before their values are accumulated
// llvmpipe (lavapipe) ends a loop after 65535 iterations in total per invocation (its guard against endless loops),
// so the loops over a head's dims nested in the loop over the positions, one dim at a time, gave garbage past
// 65535 / headDim positions (256 at headDim 256, 1024 at 64). Rows past that run the same arithmetic in the same
// order (the same bits) with the dims in unrolled blocks of DIM_BLOCK: up to 65535 * DIM_BLOCK / headDim positions
// (16383 at 256). The plain loops stay for the rows within the limit: on lavapipe they ran 2-3x faster.
const uint LOOP_LIMIT = 65535u;
const uint DIM_BLOCK = 64u;

void main() {
    uint item = veerFlatGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (item >= p.rows * p.nHeads) return;   // no barriers: invocations may leave early
    uint row = item / p.nHeads;
    uint head = item % p.nHeads;
    uint headDim = p.headDim;
    uint outBase = row * p.nHeads * headDim + head * headDim;

    int slot = slots[row];
    int pos = positions[row];
    uint kvWidth = p.nKVHeads * headDim;
    // Host-validated; a bad placement yields NaN instead of reading outside the cache.
    bool placed = slot >= 0 && pos >= 0 && uint(pos) < p.ctx
        && (uint(slot) + 1u) * p.ctx * kvWidth <= uint(kCache.length());
    if (!placed) {
        for (uint d = 0u; d < headDim; d++) outValues[outBase + d] = veerNaN();
        return;
    }

    float qv[MAX_HEAD_DIM];
    uint qBase = p.qOffset + row * p.qRowStride + head * headDim;
    for (uint d = 0u; d < headDim; d++) qv[d] = q[qBase + d];

    uint kvHead = head / (p.nHeads / p.nKVHeads);
    uint cacheBase = uint(slot) * p.ctx * kvWidth + kvHead * headDim;
    uint count = uint(pos) + 1u;
    // Sliding window: the last `window` positions only (key p0 masked when pos - p0 >= window).
    uint first = p.window > 0u && count > p.window ? count - p.window : 0u;
    bool blocked = headDim * (count - first) > LOOP_LIMIT;

    float runningMax = veerNegInf();
    float runningSum = 0.0;
    float acc[MAX_HEAD_DIM];
    for (uint d = 0u; d < headDim; d++) acc[d] = 0.0;

    float weights[CHUNK];
    for (uint c0 = first; c0 < count; c0 += CHUNK) {
        uint inChunk = min(CHUNK, count - c0);
        float chunkMax = veerNegInf();
        for (uint t = 0u; t < inChunk; t++) {
            uint kAt = cacheBase + (c0 + t) * kvWidth;
            float dot = 0.0;
            if (blocked) {
                for (uint d0 = 0u; d0 < headDim; d0 += DIM_BLOCK) {
                    [[unroll]] for (uint j = 0u; j < DIM_BLOCK; j++) {
                        if (d0 + j < headDim) dot = fma(qv[d0 + j], kCache[kAt + d0 + j], dot);
                    }
                }
            } else {
                for (uint d = 0u; d < headDim; d++) dot = fma(qv[d], kCache[kAt + d], dot);
            }
            weights[t] = dot * p.scale;
            chunkMax = veerMaxNaN(chunkMax, weights[t]);
        }
        float newMax = veerMaxNaN(runningMax, chunkMax);
        float chunkSum = 0.0;
        for (uint t = 0u; t < inChunk; t++) {
            weights[t] = exp(weights[t] - newMax);
            chunkSum += weights[t];
        }
        float correction = c0 == first ? 0.0 : exp(runningMax - newMax);
        runningSum = fma(runningSum, correction, chunkSum);
        if (blocked) {
            // The same arithmetic: acc[d] * correction, then the chunk's positions in order (outside), the dims in
            // blocks (inside).
            for (uint d0 = 0u; d0 < headDim; d0 += DIM_BLOCK) {
                [[unroll]] for (uint j = 0u; j < DIM_BLOCK; j++) {
                    if (d0 + j < headDim) acc[d0 + j] *= correction;
                }
            }
            for (uint t = 0u; t < inChunk; t++) {
                uint vAt = cacheBase + (c0 + t) * kvWidth;
                for (uint d0 = 0u; d0 < headDim; d0 += DIM_BLOCK) {
                    [[unroll]] for (uint j = 0u; j < DIM_BLOCK; j++) {
                        if (d0 + j < headDim) acc[d0 + j] = fma(weights[t], vCache[vAt + d0 + j], acc[d0 + j]);
                    }
                }
            }
        } else {
            for (uint d = 0u; d < headDim; d++) {
                float a = acc[d] * correction;
                for (uint t = 0u; t < inChunk; t++) a = fma(weights[t], vCache[cacheBase + (c0 + t) * kvWidth + d], a);
                acc[d] = a;
            }
        }
        runningMax = newMax;
    }
    for (uint d = 0u; d < headDim; d++) outValues[outBase + d] = acc[d] / runningSum;
}
