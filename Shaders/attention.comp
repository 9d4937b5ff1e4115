#version 450
// Causal grouped-query attention over the KV cache; the same kernel serves decode (one row per sequence) and
// prefill (many rows). Query row r, head h (q[qOffset + r*qRowStride + h*headDim ..]) attends to positions
// first...pos[r] of cache slot slot[r] with KV head h / (nHeads / nKVHeads), first = 0 or, with a sliding window
// (push `window` > 0), pos[r] + 1 - window when that is positive:
//   out[r, h*headDim + d] = sum_p softmax_p(scale * q . K[p]) * V[p][d]
// One workgroup per (head, row): grid (nHeads, rows).
//
// The positions are visited from `first` in chunks of W (the workgroup size) with an online softmax: lane l scores
// position c0 + l, the chunk's max and sum meet in the fixed tree of reduce.glsl, and lane d accumulates output dim
// d over the chunk in position order. Every step depends only on this row's pos[r] and W, so a row's output is the same
// alone or in any batch. Scores and accumulators are f32.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerAttentionPush p; };

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer KCache { float kCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 2) readonly buffer VCache { float vCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 3) readonly buffer Slots { int slots[]; };         // [rows]
layout(std430, binding = 4) readonly buffer Positions { int positions[]; }; // [rows]
layout(std430, binding = 5) writeonly buffer Out { float outValues[]; };    // [rows, nHeads*headDim]

#include "reduce.glsl"
#include "veer_math.glsl"

// Head dims one lane owns: d = lane, lane + W, ... The host keeps headDim <= min(MAX_HEAD_DIM, DIMS_PER_LANE * W).
const uint MAX_HEAD_DIM = 256u;
const uint DIMS_PER_LANE = 4u;

shared float qShared[MAX_HEAD_DIM];
shared float chunkWeights[gl_WorkGroupSize.x];

void main() {
    const uint W = gl_WorkGroupSize.x;
    uint head = gl_WorkGroupID.x;
    uint row = gl_WorkGroupID.y;
    uint lid = gl_LocalInvocationID.x;
    uint headDim = p.headDim;
    uint outBase = row * p.nHeads * headDim + head * headDim;

    int slot = slots[row];
    int pos = positions[row];
    uint kvWidth = p.nKVHeads * headDim;
    // Host-validated; a bad placement yields NaN instead of reading outside the cache.
    bool placed = slot >= 0 && pos >= 0 && uint(pos) < p.ctx
        && (uint(slot) + 1u) * p.ctx * kvWidth <= uint(kCache.length());
    if (!placed) {
        for (uint d = lid; d < headDim; d += W) outValues[outBase + d] = veerNaN();
        return;   // uniform: the whole workgroup shares the row
    }

    uint qBase = p.qOffset + row * p.qRowStride + head * headDim;
    for (uint d = lid; d < headDim; d += W) qShared[d] = q[qBase + d];
    barrier();

    uint kvHead = head / (p.nHeads / p.nKVHeads);
    uint cacheBase = uint(slot) * p.ctx * kvWidth + kvHead * headDim;
    uint count = uint(pos) + 1u;
    // Sliding window: the last `window` positions only (key p0 masked when pos - p0 >= window).
    uint first = p.window > 0u && count > p.window ? count - p.window : 0u;

    float runningMax = veerNegInf();
    float runningSum = 0.0;
    float acc[DIMS_PER_LANE];
    for (uint j = 0u; j < DIMS_PER_LANE; j++) acc[j] = 0.0;

    for (uint c0 = first; c0 < count; c0 += W) {
        uint position = c0 + lid;
        bool valid = position < count;
        float score = veerNegInf();
        if (valid) {
            uint kAt = cacheBase + position * kvWidth;
            float dot = 0.0;
            for (uint d = 0u; d < headDim; d++) dot = fma(qShared[d], kCache[kAt + d], dot);
            score = dot * p.scale;
        }
        float newMax = veerMaxNaN(runningMax, veerWorkgroupMax(score));
        float weight = valid ? exp(score - newMax) : 0.0;
        chunkWeights[lid] = weight;
        float chunkSum = veerWorkgroupSum(weight);   // its barriers also publish chunkWeights
        float correction = c0 == first ? 0.0 : exp(runningMax - newMax);
        runningSum = fma(runningSum, correction, chunkSum);
        uint inChunk = min(W, count - c0);
        for (uint j = 0u; j < DIMS_PER_LANE; j++) {
            uint d = lid + j * W;
            if (d < headDim) {
                float a = acc[j] * correction;
                for (uint t = 0u; t < inChunk; t++) {
                    a = fma(chunkWeights[t], vCache[cacheBase + (c0 + t) * kvWidth + d], a);
                }
                acc[j] = a;
            }
        }
        runningMax = newMax;
        barrier();   // chunkWeights is rewritten by the next chunk
    }
    for (uint j = 0u; j < DIMS_PER_LANE; j++) {
        uint d = lid + j * W;
        if (d < headDim) outValues[outBase + d] = acc[j] / runningSum;
    }
}
