#version 450
// RoPE and the KV-cache write of one block in one launch (VeerRopeStorePush): the query heads of q rotate in place
// as rope.comp does; each key pair rotates on its way into kCache[slot[r], pos[r], :] (pairs at or past nRot/2 of
// a head are copied), and each value pair is copied into vCache. Same rotation as rope.comp (rope.glsl), so the
// results are bit-identical to rope, rope and kv_store. q, k and v may be one buffer (the fused QKV output): the
// query heads never overlap the keys and values (the host checks), and k is only read.
//
// One invocation per pair: items [0, nHeads*nRot/2) are query pairs, the next kvWidth/2 are key/value pairs.
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

#include "rope.glsl"

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
        uint at = p.qOffset + row * p.qRowStride + head * p.headDim + 2u * i;
        vec2 turned = veerRopeRotate(vec2(q[at], q[at + 1u]), pos, i, p.nRot, p.freqBase, p.freqScale);
        q[at] = turned.x;
        q[at + 1u] = turned.y;
        return;
    }

    uint e = 2u * (item - queryPairs);   // first float of the pair within the K (V) row
    uint i = (e % p.headDim) / 2u;       // pair index within its head
    int slot = slots[row];
    if (slot < 0 || pos < 0 || uint(pos) >= p.ctx) return;
    uint at = (uint(slot) * p.ctx + uint(pos)) * kvWidth + e;
    if (at + 1u >= uint(kCache.length()) || at + 1u >= uint(vCache.length())) return;
    uint from = p.kOffset + row * p.kvRowStride + e;
    vec2 key = vec2(k[from], k[from + 1u]);
    if (i < half_) key = veerRopeRotate(key, pos, i, p.nRot, p.freqBase, p.freqScale);
    kCache[at] = key.x;
    kCache[at + 1u] = key.y;
    uint valueFrom = p.vOffset + row * p.kvRowStride + e;
    vCache[at] = v[valueFrom];
    vCache[at + 1u] = v[valueFrom + 1u];
}
