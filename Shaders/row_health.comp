#version 450
// out[r] = (min, max, nonFinite) of x[r, :]: the smallest and largest finite values (+inf and -inf when there are
// none) and the count of NaN and +-inf values. One workgroup per row. Comparisons and integer counts only (exact
// below 2^24 values), so the result is the same bits on any device. The generator checks the logits with it.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRowHealthPush p; };

layout(std430, binding = 0) readonly buffer X { float x[]; };       // [rows, width]
layout(std430, binding = 1) writeonly buffer Out { float outValues[]; };  // [rows, 3]

#include "reduce.glsl"
#include "grid.glsl"
#include "veer_math.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    // (max, -min) reduce together under max; non-finite values are counted, never compared.
    vec4 extremes = vec4(veerNegInf(), veerNegInf(), 0.0, 0.0);
    float nonFinite = 0.0;
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) {
        float v = x[base + i];
        if (isnan(v) || isinf(v)) {
            nonFinite += 1.0;
        } else {
            extremes.x = max(extremes.x, v);
            extremes.y = max(extremes.y, -v);
        }
    }
    extremes = veerSegmentReduce(extremes, gl_WorkGroupSize.x, VEER_OP_MAX);
    float count = veerWorkgroupSum(nonFinite);
    if (lid == 0u) {
        uint o = row * VEER_ROW_HEALTH_WIDTH;
        outValues[o] = -extremes.y;
        outValues[o + 1u] = extremes.x;
        outValues[o + 2u] = count;
    }
}
