#version 450
// out[i] = silu(gate[i]) * up[i], silu(g) = g / (1 + exp(-g)). out may alias gate or up (each element is read
// before it is written, by the same invocation). Grid: flat groups folded over (x, y).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSwigluPush p; };

layout(std430, binding = 0) readonly buffer Gate { float gate[]; };      // [count]
layout(std430, binding = 1) readonly buffer Up { float up[]; };          // [count]
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; }; // [count]

#include "grid.glsl"

void main() {
    uint i = veerFlatGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (i >= p.count) return;
    float g = gate[i];
    // For g < -88, exp(-g) is +inf and g / inf = -0: the limit, not NaN.
    outValues[i] = g / (1.0 + exp(-g)) * up[i];
}
