#version 450
// ids[r] = the index of the largest value of x[r, :], ties to the lowest index; -1 when the row holds NaN or
// +-inf (reported, never picked). One workgroup per row. Comparisons only, so the result is exact on any device.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSelectPush p; };

layout(std430, binding = 0) readonly buffer X { float x[]; };    // [rows, width]
layout(std430, binding = 1) writeonly buffer Ids { int ids[]; }; // [rows]

#include "reduce.glsl"
#include "grid.glsl"
#include "select.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    vec4 best = veerNoCandidate();
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) {
        float v = x[base + i];
        if (isnan(v) || isinf(v)) best.z = 1.0;
        else if (v > best.x) best.xy = vec2(v, float(i));   // lanes scan upward: strict > keeps the lowest index
    }
    best = veerSegmentReduce(best, gl_WorkGroupSize.x, VEER_OP_ARGMAX);
    if (lid == 0u) ids[row] = best.z != 0.0 ? -1 : int(best.y);
}
