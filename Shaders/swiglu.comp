#version 450
// out[r, c] = silu(gate[r*stride + c]) * up[r*stride + upOffset + c], silu(g) = g / (1 + exp(-g)), i = r*width + c:
// gate and up may be the two halves of one stacked projection's rows. In the flat form (one row) out may alias gate
// or up (each element is read before it is written, by the same invocation). Grid: flat groups folded over (x, y).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSwigluPush p; };

layout(std430, binding = 0) readonly buffer Gate { float gate[]; };      // [rows, stride]
layout(std430, binding = 1) readonly buffer Up { float up[]; };          // [rows, stride] from upOffset
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; }; // [rows, width]

#include "grid.glsl"

void main() {
    uint i = veerFlatGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (i >= p.count) return;
    uint at = (i / p.width) * p.stride + i % p.width;
    float g = gate[at];
    // For g < -88, exp(-g) is +inf and g / inf = -0: the limit, not NaN.
    outValues[i] = g / (1.0 + exp(-g)) * up[at + p.upOffset];
}
