#version 450
// kCache[slot[r], pos[r], :] = k[kOffset + r*rowStride ..< +kvWidth], likewise v (caches: [slots, ctx, kvWidth]).
// k and v may be the same buffer (the fused QKV output). A placement outside the cache writes nothing (the host
// validates placements; this keeps a bad one from corrupting memory). Grid: x = ceil(kvWidth / workgroup), y = rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerKVStorePush p; };

layout(std430, binding = 0) readonly buffer K { float k[]; };
layout(std430, binding = 1) readonly buffer V { float v[]; };
layout(std430, binding = 2) writeonly buffer KCache { float kCache[]; };   // [slots, ctx, kvWidth]
layout(std430, binding = 3) writeonly buffer VCache { float vCache[]; };   // [slots, ctx, kvWidth]
layout(std430, binding = 4) readonly buffer Slots { int slots[]; };         // [rows]
layout(std430, binding = 5) readonly buffer Positions { int positions[]; }; // [rows]

void main() {
    uint row = gl_WorkGroupID.y;
    uint i = gl_GlobalInvocationID.x;
    if (row >= p.rows || i >= p.kvWidth) return;
    int slot = slots[row];
    int pos = positions[row];
    if (slot < 0 || pos < 0 || uint(pos) >= p.ctx) return;
    uint at = (uint(slot) * p.ctx + uint(pos)) * p.kvWidth + i;
    if (at >= uint(kCache.length()) || at >= uint(vCache.length())) return;
    kCache[at] = k[p.kOffset + row * p.rowStride + i];
    vCache[at] = v[p.vOffset + row * p.rowStride + i];
}
