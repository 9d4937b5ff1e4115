#version 450
// RoPE and the KV-cache write of one block in one launch (VeerRopeStorePush): the query heads of q rotate in place
// as rope.comp does; each key pair rotates on its way into kCache[slot[r], pos[r], :] (pairs at or past nRot/2 of
// a head are copied), and each value pair is copied into vCache. Same rotation as rope.comp (rope.glsl), so the
// results are bit-identical to rope, rope and kv_store. q, k and v may be one buffer (the fused QKV output): the
// query heads never overlap the keys and values (the host checks), and k is only read.
//
// One invocation per pair: items [0, nHeads*nRot/2) are query pairs, the next kvWidth/2 are key/value pairs. Key item
// j of a head (j < headDim/2) is rotated pair j for j < nRot/2 (its dims as veerRopeDims says) and copies dims
// (2j, 2j+1) past nRot otherwise (in NEOX too: 2j >= nRot there); the value item copies dims (2j, 2j+1).
// Grid: x over the items of a row, y = rows. A placement outside the cache writes no cache row (the host validates
// placements; this keeps a bad one from corrupting memory).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRopeStorePush p; };

layout(std430, binding = 0) buffer Q { float q[]; };                         // rows at qOffset + r*qRowStride
layout(std430, binding = 1) readonly buffer K { float k[]; };                // rows at kOffset + r*kvRowStride
layout(std430, binding = 2) readonly buffer V { float v[]; };                // rows at vOffset + r*kvRowStride
layout(std430, binding = 3) writeonly buffer KCache { float kCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 4) writeonly buffer VCache { float vCache[]; };     // [slots, ctx, kvWidth]
layout(std430, binding = 5) readonly buffer Slots { int slots[]; };          // [rows]
layout(std430, binding = 6) readonly buffer Positions { int positions[]; };  // [rows]
layout(std430, binding = 7) readonly buffer FreqFactors { float factors[]; };  // [nRot/2]; unused if !hasFreqFactors

#include "rope.glsl"

float frequency(uint i) {
    float freq = veerRopeFrequency(i, p.nRot, p.freqBase, p.freqScale);
    if (p.hasFreqFactors != 0u) freq /= factors[i];
    return freq;
}

void main() {
    uint row = gl_WorkGroupID.y;
    uint item = gl_GlobalInvocationID.x;
    uint half_ = p.nRot / 2u;
    uint queryPairs = p.nHeads * half_;
    uint kvWidth = p.nKVHeads * p.headDim;
    if (row >= p.rows || item >= queryPairs + kvWidth / 2u) return;
    int pos = positions[row];

    if (item < queryPairs) {
        uint head = item / half_;
        uint i = item % half_;
        uvec2 at = p.qOffset + row * p.qRowStride + head * p.headDim + veerRopeDims(i, p.nRot, p.style);
        vec2 turned = veerRopeTurn(vec2(q[at.x], q[at.y]), pos, frequency(i));
        q[at.x] = turned.x;
        q[at.y] = turned.y;
        return;
    }

    uint e = 2u * (item - queryPairs);   // first float of the value pair within the V row
    uint j = (e % p.headDim) / 2u;       // item index within its head
    int slot = slots[row];
    if (slot < 0 || pos < 0 || uint(pos) >= p.ctx) return;
    uint rowAt = (uint(slot) * p.ctx + uint(pos)) * kvWidth;
    if (rowAt + kvWidth > uint(kCache.length()) || rowAt + kvWidth > uint(vCache.length())) return;
    uint at = rowAt + e;
    uint headStart = e - 2u * j;
    uvec2 dims = headStart + (j < half_ ? veerRopeDims(j, p.nRot, p.style) : uvec2(2u * j, 2u * j + 1u));
    uvec2 from = p.kOffset + row * p.kvRowStride + dims;
    vec2 key = vec2(k[from.x], k[from.y]);
    if (j < half_) key = veerRopeTurn(key, pos, frequency(j));
    kCache[rowAt + dims.x] = key.x;
    kCache[rowAt + dims.y] = key.y;
    uint valueFrom = p.vOffset + row * p.kvRowStride + e;
    vCache[at] = v[valueFrom];
    vCache[at + 1u] = v[valueFrom + 1u];
}
