#version 450
// out[r, i] = x[r, i] / sqrt(mean_i(x[r, :]^2) + eps) * weight[i]. One workgroup per row; out may alias x.
// The sum of squares runs lane-strided with fma, then the fixed tree of reduce.glsl: its order depends on the
// width and the workgroup size only, never on the other rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRMSNormPush p; };

layout(std430, binding = 0) readonly buffer X { float x[]; };            // [rows, width]
layout(std430, binding = 1) readonly buffer Weight { float weight[]; };  // [width]
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; }; // [rows, width]

#include "reduce.glsl"
#include "grid.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;   // uniform per workgroup
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    float squares = 0.0;
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) {
        float v = x[base + i];
        squares = fma(v, v, squares);
    }
    float total = veerWorkgroupSum(squares);
    float scale = 1.0 / sqrt(total / float(p.width) + p.eps);
    // Each lane rewrites only the elements it read, so out may be x.
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) {
        outValues[base + i] = x[base + i] * scale * weight[i];
    }
}
