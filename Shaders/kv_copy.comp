#version 450
// For both caches ([slots, ctx, kvWidth]): slot firstTarget + t, floats 0 ..< count = slot sourceSlot's, for every
// t < targetCount; the rest of each slot is left alone. The values move as uint words, not floats, so the copy is
// bit-exact on every device (no NaN canonicalisation). The source and the targets are distinct slots (the host
// validates), so no invocation reads what another writes.
// Grid: the count's workgroups folded into (x, y) (grid.glsl), z = target.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerKVCopyPush p; };

layout(std430, binding = 0) buffer KCache { uint kCache[]; };   // [slots, ctx, kvWidth] f32 bits
layout(std430, binding = 1) buffer VCache { uint vCache[]; };   // [slots, ctx, kvWidth] f32 bits

#include "grid.glsl"

void main() {
    uint i = veerFlatGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    uint t = gl_WorkGroupID.z;
    if (i >= p.count || t >= p.targetCount) return;
    uint sourceAt = p.sourceSlot * p.slotFloats + i;
    uint targetAt = (p.firstTarget + t) * p.slotFloats + i;
    kCache[targetAt] = kCache[sourceAt];
    vCache[targetAt] = vCache[sourceAt];
}
